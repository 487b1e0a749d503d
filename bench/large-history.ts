/**
 * Large histories: what one workspace of N events costs its readers, beside N events of other
 * workspaces in the same collection, next to a reference workspace of 10,000 events, all on one
 * FerretDB with the API in its own process. Per read shape, events.list over HTTP (p50 / p99) and
 * the raw driver's `find` of the same filter, sort and limit; the export of the whole workspace
 * (first byte, events/s, the API's memory); ingest beside the history against the raw driver.
 * Prints the tables and appends them, dated, to bench/RESULTS.md.
 *   npx tsx bench/large-history.ts [--sizes=10000,100000,1000000] [--reference=10000] [--runs=100]
 *     [--budget-s=120] [--ingest-events=20000] [--latency-requests=1000] [--seed-lanes=2]
 *     [--seed-batch=5000] [--results=bench/RESULTS.md]
 *   npx tsx bench/large-history.ts --quick     N = 10,000, 10 runs, 10 s per series
 * Each size runs on a database of its own, seeded through the store's insert path in batches.
 * A series stops after --runs calls or --budget-s seconds (at least 3 calls), so a slow shape
 * still finishes; the table says how many runs each p99 rests on.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS_BIN } from '@audit/local-servers';
import { arg, fmt, header, openBench } from './harness.ts';
import { markdownSection, printSize } from './large-history/report.ts';
import { runSize } from './large-history/run-size.ts';
import { appendResultSection, resultStamp } from './results-file.ts';

const QUICK = process.argv.includes('--quick');
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='))?.split('=')[1];
const SIZES = sizesArg ? sizesArg.split(',').map((s) => Number(s.replaceAll('_', ''))) : [QUICK ? 10_000 : 1_000_000];
// Twenty pages of 50 and a few more rows: the 20th page must exist.
if (SIZES.some((n) => !Number.isInteger(n) || n < 1_100)) {
  throw new Error('--sizes must be whole numbers of at least 1,100 events (20 pages of 50)');
}
const REFERENCE = arg('reference', 10_000);
if (REFERENCE < 1_100) throw new Error('--reference must be at least 1,100 events (20 pages of 50)');
const RUNS = arg('runs', QUICK ? 10 : 100);
const BUDGET_S = arg('budget-s', QUICK ? 10 : 120);
const INGEST = arg('ingest-events', QUICK ? 2_000 : 20_000);
const LATENCY = arg('latency-requests', QUICK ? 200 : 1_000);
const SEED_LANES = arg('seed-lanes', 2);
const SEED_BATCH = arg('seed-batch', 5_000);
const resultsArg = process.argv.find((a) => a.startsWith('--results='))?.slice('--results='.length);
const RESULTS = resultsArg ? resolve(resultsArg) : fileURLToPath(new URL('./RESULTS.md', import.meta.url));

header('large history: reads, export and ingest of a big workspace beside a 10k one, API vs raw driver', {
  sizes: SIZES.join(','),
  reference: REFERENCE,
  runs: RUNS,
  budgetPerSeries: `${BUDGET_S}s`,
  ingestEvents: INGEST,
  latencyRequests: LATENCY,
  seedBatch: SEED_BATCH,
  seedLanes: SEED_LANES,
});
const started = new Date();
const b = await openBench({ temporal: false });
// Which build of the embedded FerretDB answered: its query planning is what these figures measure.
const ferretdb = (await readFile(join(TOOLS_BIN, 'ferretdb.build'), 'utf8').catch(() => 'unknown')).trim();
try {
  for (const n of SIZES) {
    const r = await runSize(b, n, {
      reference: REFERENCE,
      reps: { runs: RUNS, budgetMs: BUDGET_S * 1000, minRuns: Math.min(3, RUNS) },
      seedBatch: SEED_BATCH,
      seedLanes: SEED_LANES,
      ingestEvents: INGEST,
      latencyRequests: LATENCY,
      run: randomBytes(4).toString('hex'),
      log: (l) => console.log(l),
    });
    printSize(r);
    const args = process.argv.slice(2);
    const command = `npm run bench:large-history${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
    const note = `FerretDB build \`${ferretdb}\`; ${fmt(RUNS)} runs or ${BUDGET_S} s per series, whichever ends first.`;
    // Each size as soon as it is measured: a later, larger size that fails loses only itself.
    await appendResultSection(RESULTS, markdownSection(r, `${resultStamp(started)}, \`${command}\``, note));
    console.log(`\nappended to ${RESULTS}`);
    if (r.shapes.some((shape) => 'error' in shape)) process.exitCode = 1;
  }
} finally {
  await b.close();
}
