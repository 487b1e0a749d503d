/**
 * What the rate limiter costs a caller: events.record over HTTP with the limits on (high enough
 * that nothing is refused, so every request pays for its slot insert) vs the same API with them
 * off, p50 / p99 at concurrency 1, two API processes on one FerretDB.
 *   npx tsx bench/rate-limit-cost.ts [--requests=1000] [--warmup=100]
 */
import { randomBytes } from 'node:crypto';
import { createTenantOverHttp } from '@audit/testing/drills';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, percentile, table } from './harness.ts';

const REQUESTS = arg('requests', 1_000);
const WARMUP = arg('warmup', 100);
const run = randomBytes(4).toString('hex');
const HIGH = '100000/1s';

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
  for (const lane of lanesOf) await measure(lane, WARMUP);
  for (let round = 0; round < 4; round++) {
    on.push(...(await measure(lanesOf[0]!, REQUESTS / 4)));
    off.push(...(await measure(lanesOf[1]!, REQUESTS / 4)));
  }
  on.sort((x, y) => x - y);
  off.sort((x, y) => x - y);
  const p = (s: number[], q: number) => percentile(s, q);
  console.log('');
  table([
    ['path', 'p50 ms', 'p99 ms', 'p50 ratio', 'p99 ratio'],
    ['limits on (every request takes a slot)', fmt(p(on, 50), 1), fmt(p(on, 99), 1), fmt(p(on, 50) / p(off, 50), 2), fmt(p(on, 99) / p(off, 99), 2)],
    ['limits off (baseline)', fmt(p(off, 50), 1), fmt(p(off, 99), 1), '', ''],
  ]);
} finally {
  await b.close();
}
