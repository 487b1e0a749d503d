/**
 * Streams an export of N events (default 1,000,000) through the real HTTP route and reports
 * process memory while it runs: it must stay flat however large N is.
 *   npx tsx bench/export.ts
 *   BENCH_EVENTS=200000 npx tsx bench/export.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { openBench, seed } from './search-seed.ts';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const FORMAT = process.env.BENCH_FORMAT === 'csv' ? 'csv' : 'ndjson';
const log = (l: string) => console.log(l);

const b = await openBench(log);
const server = createServer(b.createApp());
try {
  const t0 = Date.now();
  await seed(b, N, { share: 0, log });
  log(`seeded ${N} events in ${Date.now() - t0} ms`);
  const key = `atk_${randomBytes(32).toString('base64url')}`;
  await b.store.apiKeys.insert({
    _id: 'key_bench',
    hash: createHash('sha256').update(key).digest('hex'),
    hint: 'atk_bench',
    organizationId: b.organizationId,
    workspaceId: b.workspaceIds[0],
    scopes: ['events:read'],
    createdAt: new Date(),
    revokedAt: null,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const s = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}/export?format=${FORMAT}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  let bytes = 0;
  let lines = 0;
  let nextReport = 100_000;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    if (lines >= nextReport) {
      const m = process.memoryUsage();
      log(`  ${lines} rows, ${mb(bytes)} MiB: rss ${mb(m.rss)} MiB, heap ${mb(m.heapUsed)} MiB`);
      nextReport += 100_000;
    }
  }
  clearInterval(sampler);
  log(`\nexported ${lines} ${FORMAT} lines (${mb(bytes)} MiB) in ${Date.now() - s} ms`);
  log(`rss ${mb(before.rss)} → peak ${mb(peakRss)} MiB; heap ${mb(before.heapUsed)} → peak ${mb(peakHeap)} MiB`);
} finally {
  server.close();
  await b.close();
}
