/**
 * Record latency: events.record over HTTP (the API in its own process) vs the raw driver's
 * insertOne of the same document, p50 / p99 at each concurrency, on one FerretDB.
 *   npx tsx bench/record-latency.ts [--requests=2000] [--warmup=200]
 */
import { randomBytes } from 'node:crypto';
import type { EventDoc } from '@audit/store';
import { createTenantOverHttp } from '@audit/testing/drills';
import { arg, fmt, header, openBench, percentile, table } from './harness.ts';
import { recordLatencyPaths, type LatencySample } from './record-latency-compare.ts';

const REQUESTS = arg('requests', 2_000);
const WARMUP = arg('warmup', 200);
const LEVELS = [1, 16];
const run = randomBytes(4).toString('hex');

const settings = { requests: REQUESTS, warmup: WARMUP, concurrency: LEVELS.join('/') };
header('record latency: events.record over HTTP vs raw insertOne', settings);
const b = await openBench({ temporal: false });
try {
  const api = await b.api('latency_api');
  const tenant = await createTenantOverHttp(api.url);
  const raw = await b.raw('latency_raw');
  const ws = { workspaceId: tenant.workspaceId, organizationId: tenant.organizationId };
  const events = raw.db.collection<EventDoc>('events');
  const paths = recordLatencyPaths({ apiUrl: api.url, key: tenant.key, raw: events, rawWorkspace: ws, run });

  const rows: (string | number)[][] = [['path', 'concurrency', 'p50 ms', 'p99 ms', 'req/s', 'p50 ratio', 'p99 ratio']];
  for (const concurrency of LEVELS) {
    const { ours, base } = await paths.compare(concurrency, REQUESTS, WARMUP);
    const p = (r: LatencySample, q: number) => percentile(r.sorted, q);
    const ratio = (q: number) => fmt(p(ours, q) / p(base, q), 2);
    const figures = [fmt(p(ours, 50), 1), fmt(p(ours, 99), 1), fmt(ours.perSecond)];
    rows.push(['events.record (HTTP)', concurrency, ...figures, ratio(50), ratio(99)]);
    rows.push(['raw insertOne', concurrency, fmt(p(base, 50), 1), fmt(p(base, 99), 1), fmt(base.perSecond), '', '']);
  }
  console.log('');
  table(rows);
  console.log('ratios are ours / raw: how many times the raw latency a caller waits');
} finally {
  await b.close();
}
