/**
 * What a tenant at its limit costs another, on one API process: tenant B lists (events.list, 20
 * a page) with a 250 ms pause after each answer (under 4/s, below every search limit measured), while tenant A is held at its limit. A uses enough keys to
 * reach its workspace's search limit (at least two), each paced open-loop at twice the per-key
 * limit, so it is refused by its keys' limits and by its workspace's. B alone and B beside A alternate in rounds (alone-beside, beside-alone, ...), so a
 * slow patch of the shared machine hits both alike, and B's pooled latencies are compared with a
 * bootstrap interval: "unchanged" means the whole 95 % interval of the ratio lies within ±10 %.
 * The same comparison of B alone against B alone (even rounds against odd) shows the run's noise.
 * Then A flooding on 16 unpaced lanes of the same machine, beside B once, for scale.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { RATE_LIMIT_DEFAULTS } from '@audit/shared';
import { createTenantOverHttp, mutate, PROCESS_ADMIN_TOKEN } from '@audit/testing/drills';
import { sampleEvent } from './bench-events.ts';
import { fmt, percentile, table, type Bench } from './harness.ts';
import { quantileRatio, showRatio, verdict } from './stats.ts';

export interface IsolationOptions {
  rounds: number;
  /** B's calls per phase. */
  bRequests: number;
  variants: { label: string; env: Record<string, string> }[];
}

const HAMMERS = 16;
/** B's pause after each answer: under 4/s, below the default per-key search limit (5/s). */
const B_PAUSE_MS = 250;
const searchLimit = (
  env: Record<string, string>,
  name: 'RATE_LIMIT_SEARCH_PER_KEY' | 'RATE_LIMIT_SEARCH_PER_WORKSPACE',
) => Number((env[name] ?? RATE_LIMIT_DEFAULTS[name]).split('/')[0]);
const perKeyLimit = (env: Record<string, string>) => searchLimit(env, 'RATE_LIMIT_SEARCH_PER_KEY');
/** Enough keys that together they can reach the workspace's limit, as well as each its own. */
const keysFor = (env: Record<string, string>) =>
  Math.max(2, Math.ceil(searchLimit(env, 'RATE_LIMIT_SEARCH_PER_WORKSPACE') / perKeyLimit(env)));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function anotherKey(url: string, workspaceId: string): Promise<string> {
  const r = await mutate(url, 'admin.apiKeys.create', { workspaceId, scopes: ['events:read'] }, PROCESS_ADMIN_TOKEN);
  if (r.status !== 200) throw new Error(`admin.apiKeys.create answered ${r.status}`);
  return (r as { body: { result: { data: { key: string } } } }).body.result.data.key;
}

async function measure(b: Bench, name: string, env: Record<string, string>, o: IsolationOptions) {
  // A database of its own: no other run's events or rate-limit windows meet this one's.
  const api = await b.api(name, env);
  const run = randomBytes(4).toString('hex');
  const [a, bTenant] = [await createTenantOverHttp(api.url), await createTenantOverHttp(api.url)];
  for (const t of [a, bTenant]) {
    const events = Array.from({ length: 50 }, (_, i) => sampleEvent(i, `${run}-${name}`));
    const res = await fetch(`${api.url}/trpc/events.recordBatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 200) throw new Error(`seeding answered ${res.status}`);
  }
  const aKeys = [a.key];
  while (aKeys.length < keysFor(env)) aKeys.push(await anotherKey(api.url, a.workspaceId));
  const list = async (key: string) => {
    const started = performance.now();
    const res = await fetch(`${api.url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify({ limit: 20 }))}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };
  // B must never be refused nor fail: refusals (a limit too small for B) and transport failures are
  // counted and shown, any other answer ends the bench.
  const bRefused = { alone: 0, beside: 0 };
  const bFailed = { alone: 0, beside: 0 };
  const tenantB = async (phase: keyof typeof bRefused) => {
    const times: number[] = [];
    for (let i = 0; i < o.bRequests; i++) {
      const r = await list(bTenant.key).catch(() => null);
      if (r === null) bFailed[phase]++;
      else if (r.status === 429) bRefused[phase]++;
      else if (r.status !== 200) throw new Error(`tenant B was answered ${r.status}`);
      else times.push(r.ms);
      await sleep(B_PAUSE_MS);
    }
    return times;
  };
  const paced = { ok: 0, refused: 0, failed: 0 };
  // A's calls may fail outright when the limits are off and its open loop overloads the API
  // (connections reset): counted, not fatal; B's may not.
  const tally = (t: { ok: number; refused: number; failed: number }, call: Promise<{ status: number }>) =>
    call.then(
      (r) => void (r.status === 429 ? t.refused++ : r.status === 200 ? t.ok++ : t.failed++),
      () => void t.failed++,
    );
  const besideA = async () => {
    // Open loop: each key sends every 1000/(2 x limit) ms, answered or not.
    const inFlight = new Set<Promise<void>>();
    const pacers = aKeys.map((key) =>
      setInterval(
        () => {
          const call = tally(paced, list(key));
          inFlight.add(call);
          void call.finally(() => inFlight.delete(call));
        },
        1000 / (2 * perKeyLimit(env)),
      ),
    );
    const times = await tenantB('beside');
    for (const p of pacers) clearInterval(p);
    await Promise.all(inFlight);
    return times;
  };
  await tenantB('alone'); // warm-up: connections, JIT
  bRefused.alone = 0;
  const alone: number[][] = [];
  const beside: number[][] = [];
  for (let round = 0; round < o.rounds; round++) {
    if (round % 2 === 0) {
      alone.push(await tenantB('alone'));
      beside.push(await besideA());
    } else {
      beside.push(await besideA());
      alone.push(await tenantB('alone'));
    }
  }
  let hammering = true;
  const flood = { ok: 0, refused: 0, failed: 0 };
  const hammers = Array.from({ length: HAMMERS }, async (_, i) => {
    while (hammering) await tally(flood, list(aKeys[i % aKeys.length]!));
  });
  const besideFlood = await tenantB('beside');
  hammering = false;
  await Promise.all(hammers);
  await api.proc.stop();
  return { alone, beside, besideFlood, paced, flood, bRefused, bFailed, keys: aKeys.length };
}

export async function tenantIsolation(b: Bench, o: IsolationOptions): Promise<void> {
  const results = [];
  for (const [i, v] of o.variants.entries()) results.push({ ...v, ...(await measure(b, `isolation_${i}`, v.env, o)) });
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  console.log('');
  table([
    [
      `tenant B, events.list with ${B_PAUSE_MS} ms between calls, ${o.rounds} rounds of ${o.bRequests} alone and beside A at its limit (keys enough for its workspace limit, each paced at 2x the per-key limit)`,
      'B refused alone / beside',
      'A admitted / refused (keys)',
      'B alone p50 / p90 ms',
      'B beside A p50 / p90 ms',
      'p50 ratio [95% CI]',
      'p90 ratio [95% CI]',
      'p50 verdict (±10%)',
      'noise: B alone vs alone, p50',
    ],
    ...results.map((r) => {
      const [alone, beside] = [r.alone.flat(), r.beside.flat()];
      const p50 = quantileRatio(alone, beside, 0.5);
      const p90 = quantileRatio(alone, beside, 0.9);
      const noise = quantileRatio(
        r.alone.filter((_, k) => k % 2 === 0).flat(),
        r.alone.filter((_, k) => k % 2 === 1).flat(),
        0.5,
      );
      const [sa, sb] = [sorted(alone), sorted(beside)];
      return [
        r.label,
        `${r.bRefused.alone} / ${r.bRefused.beside}${r.bFailed.alone + r.bFailed.beside ? ` (failed ${r.bFailed.alone} / ${r.bFailed.beside})` : ''}`,
        `${r.paced.ok} / ${r.paced.refused}${r.paced.failed ? ` / ${r.paced.failed} failed` : ''} (${r.keys})`,
        `${fmt(percentile(sa, 50), 1)} / ${fmt(percentile(sa, 90), 1)}`,
        `${fmt(percentile(sb, 50), 1)} / ${fmt(percentile(sb, 90), 1)}`,
        showRatio(p50),
        showRatio(p90),
        verdict(p50),
        showRatio(noise),
      ];
    }),
  ]);
  console.log('');
  table([
    [
      `tenant B beside A flooding on ${HAMMERS} unpaced lanes from the same ${availableParallelism()} cores (one phase of ${o.bRequests})`,
      'A admitted / refused',
      'B beside p50 / p90 ms',
      'p50 ratio [95% CI] vs B alone',
    ],
    ...results.map((r) => {
      const sf = sorted(r.besideFlood);
      return [
        r.label,
        `${r.flood.ok} / ${r.flood.refused}${r.flood.failed ? ` / ${r.flood.failed} failed` : ''}`,
        `${fmt(percentile(sf, 50), 1)} / ${fmt(percentile(sf, 90), 1)}`,
        showRatio(quantileRatio(r.alone.flat(), r.besideFlood, 0.5)),
      ];
    }),
  ]);
}
