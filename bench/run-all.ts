/**
 * `npm run bench`: every benchmark at the sizes of the issue, one after another, each in its own
 * process with its own servers, so one's data and heap never colour the next.
 *   npm run bench               ingest 100,000; search 10,000 / 100,000 / 1,000,000; a workspace
 *                               of 1,000,000 beside 1,000,000 others (large-history); purge
 *                               1,000,000; delivery: 10,000 events at saturation, 50 events/s for
 *                               30 s; the stream supervisor over 10,000 destinations in 5,000
 *                               workspaces. On FerretDB about two hours.
 *   npm run bench -- --quick    the same figures at small sizes, in about ten minutes.
 * The 1,000,000-event purge runs with batches of 5,000 (RETENTION_BATCH_SIZE) to finish in under an
 * hour on FerretDB, where each delete by id costs about a millisecond; the default pacing's
 * effect on readers is measured by the quick run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@audit/local-servers';

const quick = process.argv.includes('--quick');
const runs: [string, string[], Record<string, string>?][] = quick
  ? [
      ['ingest.ts', ['--events=20000']],
      ['record-latency.ts', ['--requests=1000']],
      ['rate-limit-cost.ts', ['--requests=400']],
      ['export-isolation.ts', ['--events=5000', '--rounds=2']],
      ['search.ts', ['--sizes=2000,10000']],
      ['tenant-scan.ts', ['--events=5000']],
      ['large-history.ts', ['--quick']],
      ['purge.ts', ['--quick']],
      ['delivery.ts', ['--quick']],
      ['ingest-hashing.ts', ['--events=10000']],
      ['seal.ts', ['--events=10000']],
      ['verify-offline.ts', ['--events=20000']],
      ['supervisor.ts', ['--quick']],
    ]
  : [
      ['ingest.ts', []],
      ['record-latency.ts', []],
      ['rate-limit-cost.ts', []],
      ['export-isolation.ts', []],
      ['search.ts', ['--sizes=10000,100000,1000000', '--baseline-up-to=100000']],
      ['tenant-scan.ts', ['--events=100000']],
      ['large-history.ts', []],
      ['purge.ts', ['--events=1000000'], { RETENTION_BATCH_SIZE: process.env.RETENTION_BATCH_SIZE ?? '5000' }],
      ['delivery.ts', []],
      ['ingest-hashing.ts', []],
      ['seal.ts', []],
      ['verify-offline.ts', []],
      ['supervisor.ts', []],
    ];

let failed = 0;
for (const [script, args, env] of runs) {
  const started = Date.now();
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', script), ...args], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(
    `[bench] ${script} ${args.join(' ')} ${res.status === 0 ? 'done' : `FAILED (${res.status ?? res.signal})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (res.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
