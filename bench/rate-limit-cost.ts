/**
 * What the rate limiter costs a caller: events.record over HTTP with the limits on (high enough
 * that nothing is refused, so every request pays for its slot insert) vs the same API with them
 * off, p50 / p99 at concurrency 1, two API processes on one FerretDB. Then what a tenant at its
 * limit costs another: tenant B's list calls (paced at 10/s, under the default 20/s) beside tenant
 * A on the same process, twice: A at its limit (paced at --a-rate, 40/s by default: twice its
 * per-key search limit, so refused about half the time), then A flooding on 16 unpaced lanes from
 * the same machine (the bench's client shares its cores with the API and FerretDB). Each with the
 * limits, the read cap and the search-time budget on (what ships), the budget off
 * (RATE_LIMIT_SEARCH_MS_PER_SECOND=0), the cap off (RATE_LIMIT_CONCURRENT_READS=0), and everything
 * off; each against B alone on the same API, measured just before. Then a single tenant's normal
 * use under the shipping settings, on a workspace of 10,000 events: a viewer user paging, and a
 * script listing at 3/s; each must never be refused (a refusal throws).
 *   npx tsx bench/rate-limit-cost.ts [--requests=1000] [--warmup=100] [--b-requests=60] [--a-rate=40] [--normal-events=10000] [--isolation-only]
 *   (--variants='{"name":{"ENV":"value"}}' adds isolation runs with other settings, to compare)
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createTenantOverHttp } from '@audit/testing/drills';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, percentile, table } from './harness.ts';

const REQUESTS = arg('requests', 1_000);
const WARMUP = arg('warmup', 100);
const run = randomBytes(4).toString('hex');
const HIGH = '100000/1s';
const B_REQUESTS = arg('b-requests', 60);
const HAMMERS = 16;
/** Tenant A's pace in the at-its-limit run: twice the default per-key search limit (20/s), so it is refused about half the time. */
const A_RATE = arg('a-rate', 40);
const ISOLATION_ONLY = process.argv.includes('--isolation-only');
const NORMAL_EVENTS = arg('normal-events', 10_000);
const VARIANTS = JSON.parse(process.argv.find((a) => a.startsWith('--variants='))?.slice('--variants='.length) ?? '{}') as Record<string, Record<string, string>>;

header('rate limiter cost: events.record with limits on vs off', { requests: REQUESTS, warmup: WARMUP, concurrency: 1 });
const b = await openBench({ temporal: false });
try {
  const limited = await b.api('limits_on', { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_RECORD_PER_KEY: HIGH, RATE_LIMIT_RECORD_PER_WORKSPACE: HIGH, RATE_LIMIT_OTHER_PER_KEY: HIGH, RATE_LIMIT_OTHER_PER_WORKSPACE: HIGH });
  const open = await b.api('limits_off', { RATE_LIMIT_ENABLED: 'false' });
  const lanesOf = await Promise.all([limited, open].map(async (api) => ({ api, tenant: await createTenantOverHttp(api.url) })));
  let offset = 0;
  const measure = async (lane: (typeof lanesOf)[number], total: number) => {
    const times: number[] = [];
    await lanes(1, total, async (i) => {
      const started = performance.now();
      const res = await fetch(`${lane.api.url}/trpc/events.record`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${lane.tenant.key}` }, body: JSON.stringify(sampleEvent(offset + i, run)) });
      if (res.status !== 200) throw new Error(`events.record answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
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
  const p = (s: number[], q: number) => percentile(s, q);
  if (!ISOLATION_ONLY) console.log('');
  if (!ISOLATION_ONLY) table([
    ['path', 'p50 ms', 'p99 ms', 'p50 ratio', 'p99 ratio'],
    ['limits on (every request takes a slot)', fmt(p(on, 50), 1), fmt(p(on, 99), 1), fmt(p(on, 50) / p(off, 50), 2), fmt(p(on, 99) / p(off, 99), 2)],
    ['limits off (baseline)', fmt(p(off, 50), 1), fmt(p(off, 99), 1), '', ''],
  ]);

  // Isolation, each on a database of its own: FerretDB scans the whole collection for a list, so
  // the events recorded above would make every call slow enough that A could not reach its limit.
  // With limits off, the same hammering shows what the limiter spares B.
  const isolation = async (name: string, env: Record<string, string>) => {
    const api = await b.api(name, env);
    const [a, bTenant] = [await createTenantOverHttp(api.url), await createTenantOverHttp(api.url)];
    for (const t of [a, bTenant]) {
      const events = Array.from({ length: 50 }, (_, i) => sampleEvent(i, `${run}-${name}`));
      const res = await fetch(`${api.url}/trpc/events.recordBatch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` }, body: JSON.stringify({ events }) });
      if (res.status !== 200) throw new Error(`seeding answered ${res.status}`);
    }
    const list = async (key: string) => {
      const started = performance.now();
      const res = await fetch(`${api.url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify({ limit: 20 }))}`, { headers: { authorization: `Bearer ${key}` } });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };
    // B must never be refused: a 429 is counted and shown (a budget that refuses B is too small), anything else fails.
    const bRefused = { alone: 0, beside: 0 };
    const tenantB = async (phase?: keyof typeof bRefused) => {
      const times: number[] = [];
      for (let i = 0; i < B_REQUESTS; i++) {
        const r = await list(bTenant.key);
        if (r.status === 429 && phase) bRefused[phase]++;
        else if (r.status !== 200) throw new Error(`tenant B was answered ${r.status}`);
        times.push(r.ms);
        await new Promise((done) => setTimeout(done, 100));
      }
      return times.sort((x, y) => x - y);
    };
    await tenantB('alone');
    const alone = await tenantB('alone');
    // A at its limit: paced at A_RATE/s, open loop (a request every 1000/A_RATE ms, answered or not).
    const paced = { ok: 0, refused: 0 };
    const inFlight = new Set<Promise<void>>();
    const pacer = setInterval(() => {
      const call = list(a.key).then((r) => void (r.status === 429 ? paced.refused++ : paced.ok++));
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
    }, 1000 / A_RATE);
    const besidePaced = await tenantB('beside');
    clearInterval(pacer);
    await Promise.all(inFlight);
    // A flooding: HAMMERS closed-loop lanes, each sending the moment it has its answer.
    let hammering = true;
    const flood = { ok: 0, refused: 0 };
    const hammers = Array.from({ length: HAMMERS }, async () => {
      while (hammering) (await list(a.key)).status === 429 ? flood.refused++ : flood.ok++;
    });
    const besideFlood = await tenantB('beside');
    hammering = false;
    await Promise.all(hammers);
    await api.proc.stop();
    return { alone, besidePaced, paced, besideFlood, flood, bRefused };
  };
  const runs: { label: string; env: Record<string, string> }[] = [
    { label: 'shipping: limits, read cap (2) and search-time budget (default) on', env: { RATE_LIMIT_ENABLED: 'true' } },
    { label: 'limits and read cap on, search-time budget off', env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEARCH_MS_PER_SECOND: '0' } },
    { label: 'limits and budget on, read cap off', env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_CONCURRENT_READS: '0' } },
    { label: 'limits off', env: { RATE_LIMIT_ENABLED: 'false' } },
    ...Object.entries(VARIANTS).map(([label, env]) => ({ label, env: { RATE_LIMIT_ENABLED: 'true', ...env } })),
  ];
  const results = [];
  for (const [i, r] of runs.entries()) results.push({ ...r, ...(await isolation(`isolation_${i}`, r.env)) });
  const row = (label: string, tally: { ok: number; refused: number }, alone: number[], beside: number[], bRefused: { alone: number; beside: number }) => [
    label,
    `${bRefused.alone} / ${bRefused.beside}`,
    `${tally.ok} / ${tally.refused}`,
    `${fmt(p(alone, 50), 1)} / ${fmt(p(alone, 99), 1)}`,
    `${fmt(p(beside, 50), 1)} / ${fmt(p(beside, 99), 1)}`,
    fmt(p(beside, 50) / p(alone, 50), 2),
    fmt(p(beside, 99) / p(alone, 99), 2),
  ];
  const columns = ['B refused (alone / beside, both runs)', 'A admitted / refused', 'B alone p50 / p99 ms', 'B beside A p50 / p99 ms', 'p50 x alone', 'p99 x alone'];
  console.log('');
  table([
    [`tenant B, events.list at 10/s, beside A at its limit: paced at ${A_RATE}/s (about 2x the per-key search limit)`, ...columns],
    ...results.map((r) => row(r.label, r.paced, r.alone, r.besidePaced, r.bRefused)),
  ]);
  console.log('');
  table([
    [`tenant B, events.list at 10/s, beside A flooding on ${HAMMERS} unpaced lanes from the same ${availableParallelism()} cores`, ...columns],
    ...results.map((r) => row(r.label, r.flood, r.alone, r.besideFlood, r.bRefused)),
  ]);

  // A single tenant's normal use under the shipping settings, on a workspace of NORMAL_EVENTS
  // events (its own database: on FerretDB every list scans the whole collection, so its cost is
  // the collection's size). Refusals are counted and shown: the budget must leave them at 0.
  const api = await b.api('normal_use', { RATE_LIMIT_ENABLED: 'true' });
  const tenant = await createTenantOverHttp(api.url);
  for (let i = 0; i < NORMAL_EVENTS; i += 500) {
    const events = Array.from({ length: Math.min(500, NORMAL_EVENTS - i) }, (_, j) => sampleEvent(i + j, `${run}-normal`));
    const res = await fetch(`${api.url}/trpc/events.recordBatch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` }, body: JSON.stringify({ events }) });
    if (res.status !== 200) throw new Error(`seeding answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  const page = async (input: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(`${api.url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { authorization: `Bearer ${tenant.key}` } });
    const body = (await res.json()) as { result?: { data?: { nextCursor?: string | null } }; error?: { message?: string } };
    if (res.status !== 200 && res.status !== 429) throw new Error(`normal use was answered ${res.status}: ${body.error?.message ?? ''}`);
    return { ms: performance.now() - started, next: body.result?.data?.nextCursor ?? null, refused: res.status === 429 };
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
    calls.push(page({ limit: 100, ...(scriptCursor ? { cursor: scriptCursor } : {}) }).then((r) => {
      script.push(r.ms);
      if (r.refused) normalRefused.script++;
      else scriptCursor = r.next;
    }));
    await sleep(1000 / 3);
  }
  await Promise.all(calls);
  await api.proc.stop();
  const use = (label: string, times: number[], refused: number, perSecond: number) => {
    times.sort((x, y) => x - y);
    return [label, `${times.length} / ${refused}`, `${fmt(p(times, 50), 1)} / ${fmt(p(times, 99), 1)}`, fmt(p(times, 50) * perSecond, 0)];
  };
  console.log('');
  table([
    [`one tenant's normal use, shipping settings, a workspace of ${NORMAL_EVENTS} events`, 'calls / refused', 'p50 / p99 ms (client side)', 'about ms of search time per second'],
    use('viewer user: pages of 50, one every 500 ms, then 3 searches', viewer, normalRefused.viewer, 1000 / (500 + p([...viewer].sort((x, y) => x - y), 50))),
    use('script: pages of 100 at 3/s', script, normalRefused.script, 3),
  ]);
} finally {
  await b.close();
}
