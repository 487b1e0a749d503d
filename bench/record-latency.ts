/**
 * Record latency: events.record over HTTP (the API in its own process) vs the raw driver's
 * insertOne of the same document, p50 / p99 at each concurrency, on one FerretDB.
 *   npx tsx bench/record-latency.ts [--requests=2000] [--warmup=200]
 */
import { randomBytes } from 'node:crypto';
import type { EventDoc } from '@audit/store';
import { createTenantOverHttp } from '@audit/testing/drills';
import { sampleDoc, sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, percentile, table } from './harness.ts';

const REQUESTS = arg('requests', 2_000);
const WARMUP = arg('warmup', 200);
const LEVELS = [1, 16];
const run = randomBytes(4).toString('hex');

/** Latencies of `total` calls on `concurrency` lanes, sorted, and the throughput they made. */
async function measure(concurrency: number, total: number, call: (i: number) => Promise<void>): Promise<{ sorted: number[]; perSecond: number }> {
  const times: number[] = [];
  const wallMs = await lanes(concurrency, total, async (i) => {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  });
  return { sorted: times.sort((a, b) => a - b), perSecond: total / (wallMs / 1000) };
}

header('record latency: events.record over HTTP vs raw insertOne', { requests: REQUESTS, warmup: WARMUP, concurrency: LEVELS.join('/') });
const b = await openBench({ temporal: false });
try {
  const api = await b.api('latency_api');
  const tenant = await createTenantOverHttp(api.url);
  const raw = await b.raw('latency_raw');
  const ws = { workspaceId: tenant.workspaceId, organizationId: tenant.organizationId };
  let offset = 0;
  const record = async (i: number) => {
    const res = await fetch(`${api.url}/trpc/events.record`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` }, body: JSON.stringify(sampleEvent(offset + i, run)) });
    if (res.status !== 200) throw new Error(`events.record answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  };
  const insert = async (i: number) => void (await raw.db.collection<EventDoc>('events').insertOne(sampleDoc(offset + i, run, ws, offset + i + 1, new Date())));

  const rows: (string | number)[][] = [['path', 'concurrency', 'p50 ms', 'p99 ms', 'req/s', 'p50 ratio', 'p99 ratio']];
  for (const concurrency of LEVELS) {
    const results = [];
    for (const call of [record, insert]) {
      await measure(concurrency, WARMUP, call);
      offset += WARMUP;
      results.push(await measure(concurrency, REQUESTS, call));
      offset += REQUESTS;
    }
    const [ours, base] = results as [Awaited<ReturnType<typeof measure>>, Awaited<ReturnType<typeof measure>>];
    const p = (r: typeof ours, q: number) => percentile(r.sorted, q);
    rows.push(['events.record (HTTP)', concurrency, fmt(p(ours, 50), 1), fmt(p(ours, 99), 1), fmt(ours.perSecond), fmt(p(ours, 50) / p(base, 50), 2), fmt(p(ours, 99) / p(base, 99), 2)]);
    rows.push(['raw insertOne', concurrency, fmt(p(base, 50), 1), fmt(p(base, 99), 1), fmt(base.perSecond), '', '']);
  }
  console.log('');
  table(rows);
  console.log('ratios are ours / raw: how many times the raw latency a caller waits');
} finally {
  await b.close();
}
