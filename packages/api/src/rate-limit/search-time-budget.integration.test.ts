import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@audit/observability';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import { createApiMetrics } from '../observability/api-metrics.ts';

/**
 * The search-time budget over real HTTP: a tenant hammering searches spends its budget and is
 * refused with the search-time message, while a neighbour searching now and then never is. The
 * windows are set out of reach, so only the budget (or the read cap, whose message differs) can
 * refuse: with RATE_LIMIT_SEARCH_MS_PER_SECOND=0 this test fails.
 */
const BUDGET_MS = '200';
const B_REQUESTS = 8;
/**
 * B keeps a search running under 1/8 of the time (a search of up to some 600 ms every 1.5 s stays
 * under 200 ms/s), A with its two slots all the time: B's margin is wide on a busy machine.
 */
const B_PACE_MS = 1_500;
const HAMMERS = 4;

let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  env = await openTestEnv(
    { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEARCH_PER_KEY: '100000/1s', RATE_LIMIT_SEARCH_PER_WORKSPACE: '100000/1s', RATE_LIMIT_SEARCH_MS_PER_SECOND: BUDGET_MS },
    { metrics: createApiMetrics(createMetricsRegistry()) },
  );
  http = await env.http();
  [a, b] = [await env.tenant('enterprise'), await env.tenant('enterprise')];
  const events = Array.from({ length: 200 }, (_, i) => ({ category: 'lock' as const, action: 'created', actor: { type: 'user' as const, id: `u${i}` } }));
  await a.caller.events.recordBatch({ events });
  await b.caller.events.recordBatch({ events });
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

async function list(key: string): Promise<{ status: number; ms: number; retryAfter: string | null; message: string }> {
  const started = performance.now();
  const res = await fetch(`${http.url}/api/v1/events?limit=50`, { headers: { authorization: `Bearer ${key}` } });
  // The REST error body: { message, code, data }.
  const body = (await res.json()) as { message?: string };
  return { status: res.status, ms: performance.now() - started, retryAfter: res.headers.get('retry-after'), message: res.status === 200 ? '' : (body.message ?? '') };
}

function searchTimeRefusals(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('audit_rate_limited_total{class="search",limit="search_time"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('the search-time budget', () => {
  it('refuses a tenant that spends its search time, with the limit named, and never its neighbour', async () => {
    const before = searchTimeRefusals(await (await fetch(`${http.url}/metrics`)).text());
    let hammering = true;
    const a429: { retryAfter: string | null; message: string }[] = [];
    const counts = { ok: 0, searchTime: 0, concurrency: 0, other: 0 };
    const hammer = async () => {
      // Bounded by time and count: stops when B is done, or after 3,000 calls, whichever first.
      for (let n = 0; hammering && n < 3000; n++) {
        const r = await list(a.key);
        if (r.status === 200) counts.ok++;
        else if (r.status === 429 && r.message.startsWith('search time limit')) {
          counts.searchTime++;
          if (a429.length < 3) a429.push(r);
        } else if (r.status === 429) counts.concurrency++;
        else counts.other++;
      }
    };
    const hammers = Array.from({ length: HAMMERS }, hammer);
    const bAnswers = [];
    for (let i = 0; i < B_REQUESTS; i++) {
      bAnswers.push(await list(b.key));
      await new Promise((r) => setTimeout(r, B_PACE_MS));
    }
    hammering = false;
    await Promise.all(hammers);

    const bTimes = bAnswers.map((x) => x.ms).sort((x, y) => x - y);
    console.log(
      `[search-time budget ${BUDGET_MS} ms/s] A: ${counts.ok} admitted, ${counts.searchTime} refused by search time, ${counts.concurrency} by the read cap; ` +
        `B: ${bAnswers.map((x) => x.status).join(',')}, p50 ${bTimes[Math.floor(bTimes.length / 2)]!.toFixed(1)} ms, max ${bTimes.at(-1)!.toFixed(1)} ms`,
    );
    // The neighbour: every call answered.
    expect(bAnswers.filter((x) => x.status !== 200).map((x) => `${x.status} ${x.message}`)).toEqual([]);
    expect(counts.other).toBe(0);
    // The hammering tenant: refused by its search time, with the limit and a Retry-After of at least 1 s.
    expect(counts.searchTime).toBeGreaterThan(0);
    const first = a429[0]!;
    expect(first.message).toMatch(/^search time limit: at most 200 ms of search time per second per workspace \(events\.list, export and other scans\); retry in \d+ s$/);
    expect(Number(first.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(first.message).toContain(`retry in ${first.retryAfter} s`);
    // Admitted searches are what the budget allows, not what A asked for.
    expect(counts.searchTime).toBeGreaterThan(counts.ok);
    const after = searchTimeRefusals(await (await fetch(`${http.url}/metrics`)).text());
    expect(after - before).toBe(counts.searchTime);
  }, 60_000);
});
