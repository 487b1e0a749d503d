/**
 * What the rate limiter costs a caller: events.record over HTTP with the limits on (high enough
 * that nothing is refused, so every request pays for its slot insert) vs the same API with them
 * off, p50 / p99 at concurrency 1, two API processes on one FerretDB. Then what a tenant at its
 * limit costs another (bench/isolation.ts: rounds of B alone and B beside A, compared with a
 * bootstrap interval), with the shipping settings and with the limits off. Then a single tenant's
 * normal use under the shipping settings, on a workspace of 10,000 events: a viewer user paging,
 * and a script listing at 3/s; their refusals are counted (the defaults must leave them at 0).
 *   npx tsx bench/rate-limit-cost.ts [--requests=1000] [--warmup=100] [--rounds=6] [--b-requests=40] [--normal-events=10000] [--isolation-only]
 *   (--variants='{"name":{"ENV":"value"}}' adds isolation runs with other settings, to compare)
 */
import { randomBytes } from 'node:crypto';
import { createTenantOverHttp } from '@audit/testing/drills';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, percentile, table } from './harness.ts';
import { tenantIsolation } from './isolation.ts';

const REQUESTS = arg('requests', 1_000);
const WARMUP = arg('warmup', 100);
const run = randomBytes(4).toString('hex');
const HIGH = '100000/1s';
const ROUNDS = arg('rounds', 6);
const B_REQUESTS = arg('b-requests', 40);
const ISOLATION_ONLY = process.argv.includes('--isolation-only');
const NORMAL_EVENTS = arg('normal-events', 10_000);
const p = percentile;
const VARIANTS = JSON.parse(
  process.argv.find((a) => a.startsWith('--variants='))?.slice('--variants='.length) ?? '{}',
) as Record<string, Record<string, string>>;

header('rate limiter cost: events.record with limits on vs off', {
  requests: REQUESTS,
  warmup: WARMUP,
  concurrency: 1,
});
const b = await openBench({ temporal: false });
try {
  const limited = await b.api('limits_on', {
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_RECORD_PER_KEY: HIGH,
    RATE_LIMIT_RECORD_PER_WORKSPACE: HIGH,
    RATE_LIMIT_OTHER_PER_KEY: HIGH,
    RATE_LIMIT_OTHER_PER_WORKSPACE: HIGH,
  });
  const open = await b.api('limits_off', { RATE_LIMIT_ENABLED: 'false' });
  const lanesOf = await Promise.all(
    [limited, open].map(async (api) => ({ api, tenant: await createTenantOverHttp(api.url) })),
  );
  let offset = 0;
  const measure = async (lane: (typeof lanesOf)[number], total: number) => {
    const times: number[] = [];
    await lanes(1, total, async (i) => {
      const started = performance.now();
      const res = await fetch(`${lane.api.url}/trpc/events.record`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${lane.tenant.key}` },
        body: JSON.stringify(sampleEvent(offset + i, run)),
      });
      if (res.status !== 200)
        throw new Error(`events.record answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
      times.push(performance.now() - started);
    });
    offset += total;
    return times.sort((x, y) => x - y);
  };
  // Alternate the two in rounds, so a slow patch of the shared machine hits both alike.
  const on: number[] = [];
  const off: number[] = [];
  for (const lane of lanesOf) await measure(lane, ISOLATION_ONLY ? 1 : WARMUP);
  for (let round = 0; round < (ISOLATION_ONLY ? 0 : 4); round++) {
    on.push(...(await measure(lanesOf[0]!, REQUESTS / 4)));
    off.push(...(await measure(lanesOf[1]!, REQUESTS / 4)));
  }
  on.sort((x, y) => x - y);
  off.sort((x, y) => x - y);
  await limited.proc.stop();
  await open.proc.stop();
  if (!ISOLATION_ONLY) console.log('');
  if (!ISOLATION_ONLY)
    table([
      ['path', 'p50 ms', 'p99 ms', 'p50 ratio', 'p99 ratio'],
      [
        'limits on (every request takes a slot)',
        fmt(p(on, 50), 1),
        fmt(p(on, 99), 1),
        fmt(p(on, 50) / p(off, 50), 2),
        fmt(p(on, 99) / p(off, 99), 2),
      ],
      ['limits off (baseline)', fmt(p(off, 50), 1), fmt(p(off, 99), 1), '', ''],
    ]);

  const variants: { label: string; env: Record<string, string> }[] = [
    { label: 'shipping: window limits at their defaults', env: { RATE_LIMIT_ENABLED: 'true' } },
    ...Object.entries(VARIANTS).map(([label, env]) => ({ label, env: { RATE_LIMIT_ENABLED: 'true', ...env } })),
    // The same offered load as the shipping run's (the limits' values set A's pace and keys; the API ignores them).
    { label: 'limits off', env: { RATE_LIMIT_ENABLED: 'false' } },
  ];
  await tenantIsolation(b, { rounds: ROUNDS, bRequests: B_REQUESTS, variants });
  if (!ISOLATION_ONLY) await normalUse();
} finally {
  await b.close();
}

async function normalUse(): Promise<void> {
  // A single tenant's normal use under the shipping settings, on a workspace of NORMAL_EVENTS
  // events, in a database of its own. Refusals are counted and shown: the defaults must leave them at 0.
  const api = await b.api('normal_use', { RATE_LIMIT_ENABLED: 'true' });
  const tenant = await createTenantOverHttp(api.url);
  for (let i = 0; i < NORMAL_EVENTS; i += 500) {
    const events = Array.from({ length: Math.min(500, NORMAL_EVENTS - i) }, (_, j) =>
      sampleEvent(i + j, `${run}-normal`),
    );
    const res = await fetch(`${api.url}/trpc/events.recordBatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 200) throw new Error(`seeding answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  const page = async (input: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(`${api.url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify(input))}`, {
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    const body = (await res.json()) as {
      result?: { data?: { nextCursor?: string | null } };
      error?: { message?: string };
    };
    if (res.status !== 200 && res.status !== 429)
      throw new Error(`normal use was answered ${res.status}: ${body.error?.message ?? ''}`);
    return {
      ms: performance.now() - started,
      next: body.result?.data?.nextCursor ?? null,
      refused: res.status === 429,
    };
  };
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
  // A viewer user: pages of 50 (the viewer's page), one click every 500 ms, 30 pages down, then searches.
  const viewer: number[] = [];
  const normalRefused = { viewer: 0, script: 0 };
  let cursor: string | null = null;
  for (let i = 0; i < 30; i++) {
    const r = await page({ limit: 50, ...(cursor ? { cursor } : {}) });
    viewer.push(r.ms);
    if (r.refused) normalRefused.viewer++;
    else cursor = r.next;
    await sleep(500);
  }
  for (const search of [{ q: 'deploy' }, { categories: ['lock'] }, { q: 'stack 7' }]) {
    const r = await page({ limit: 50, ...search });
    viewer.push(r.ms);
    if (r.refused) normalRefused.viewer++;
    await sleep(500);
  }
  // A script: pages of 100 at 3/s, open loop, 60 calls.
  const script: number[] = [];
  const calls: Promise<void>[] = [];
  let scriptCursor: string | null = null;
  for (let i = 0; i < 60; i++) {
    calls.push(
      page({ limit: 100, ...(scriptCursor ? { cursor: scriptCursor } : {}) }).then((r) => {
        script.push(r.ms);
        if (r.refused) normalRefused.script++;
        else scriptCursor = r.next;
      }),
    );
    await sleep(1000 / 3);
  }
  await Promise.all(calls);
  await api.proc.stop();
  const use = (label: string, times: number[], refused: number, perSecond: number) => {
    times.sort((x, y) => x - y);
    return [
      label,
      `${times.length} / ${refused}`,
      `${fmt(p(times, 50), 1)} / ${fmt(p(times, 99), 1)}`,
      fmt(p(times, 50) * perSecond, 0),
    ];
  };
  console.log('');
  table([
    [
      `one tenant's normal use, shipping settings, a workspace of ${NORMAL_EVENTS} events`,
      'calls / refused',
      'p50 / p99 ms (client side)',
      'about ms of search per second',
    ],
    use(
      'viewer user: pages of 50, one every 500 ms, then 3 searches',
      viewer,
      normalRefused.viewer,
      1000 /
        (500 +
          p(
            [...viewer].sort((x, y) => x - y),
            50,
          )),
    ),
    use('script: pages of 100 at 3/s', script, normalRefused.script, 3),
  ]);
}
