/**
 * `npm run bench`: every benchmark, one after another, each in its own process with its own
 * servers, so one's data and heap never colour the next.
 *   npx tsx bench/run-all.ts [--purge-events=20000]
 * The purge defaults to 20,000 events here: FerretDB's SQLite backend scans the collection for
 * each delete batch, so its cost grows with the square of N; `bench/purge.ts` alone defaults to
 * the 1,000,000 of the issue.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@audit/local-servers';
import { arg } from './harness.ts';

const runs: [string, string[], Record<string, string>?][] = [
  ['ingest.ts', []],
  ['record-latency.ts', []],
  ['purge.ts', [`--events=${arg('purge-events', 20_000)}`]],
  // 10,000 events: on FerretDB each search scans the collection, so 100,000 takes minutes a query.
  ['search.ts', [], { BENCH_EVENTS: process.env.BENCH_EVENTS ?? '10000' }],
  ['delivery.ts', ['--rate=5', '--seconds=20', '--saturation=150']],
];

let failed = 0;
for (const [script, args, env] of runs) {
  const path = join(REPO_ROOT, 'bench', script);
  if (!existsSync(path)) continue;
  const started = Date.now();
  const res = spawnSync(process.execPath, ['--import', 'tsx', path, ...args], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`[bench] ${script} ${args.join(' ')} ${res.status === 0 ? 'done' : `FAILED (${res.status ?? res.signal})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (res.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
