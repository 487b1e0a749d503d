/**
 * The retention purge, two figures, each beside a baseline measured in the same run:
 *   (a) a daily pass over W workspaces with nothing expired (a few fresh events each): the
 *       product's workflow against the per-workspace walk it replaced (an activity call per
 *       workspace); goal at 10,000 workspaces: 60 s or less.
 *   (b) N expired events of one workspace purged beside N fresh events of other workspaces:
 *       events/s against the same deletes run raw through the driver; and `events.list` p50 / p99
 *       (store's list, a workspace of 1,000 events) idle, during the purge and during the raw
 *       delete; goals: 2,000 events/s or more, p99 during the purge at most 2x idle.
 * The worker runs as its own process with the retention settings of its environment (or the
 * flags). Figures are appended to bench/RESULTS.md.
 *   npx tsx bench/purge.ts [--quick] [--events=1000000] [--workspaces=10000] [--idle-seconds=60]
 *                          [--batch-size=N] [--pause-ms=N] [--only=pass|rate]
 *   --quick: 20,000 events, 1,000 workspaces, 20 s idle.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { TOOLS_BIN } from '@audit/local-servers';
import { arg, fmt, openBench, percentile } from './harness.ts';
import { measureDailyPass, type PassFigures } from './purge-pass.ts';
import { measurePurgeRate, type RateFigures } from './purge-rate.ts';
import { describePacing, LIST_EVERY_MS, type Pacing } from './purge-support.ts';
import { appendResultSection, resultStamp } from './results-file.ts';

const QUICK = process.argv.includes('--quick');
const N = arg('events', QUICK ? 20_000 : 1_000_000);
const WORKSPACES = arg('workspaces', QUICK ? 1_000 : 10_000);
const IDLE_MS = arg('idle-seconds', QUICK ? 20 : 60) * 1000;
const ONLY = flag('only');
if (ONLY !== undefined && ONLY !== 'pass' && ONLY !== 'rate')
  throw new Error(`--only must be pass or rate, not ${ONLY}`);
const pacing: Pacing = {
  batchSize: flag('batch-size') ?? process.env.RETENTION_BATCH_SIZE,
  pauseMs: flag('pause-ms') ?? process.env.RETENTION_BATCH_PAUSE_MS,
};
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const lines: string[] = [];
const say = (line = '') => {
  console.log(line);
  lines.push(line);
};

const startedAt = new Date();
const benchStarted = performance.now();
say(`== purge: daily pass over ${fmt(WORKSPACES)} workspaces; ${fmt(N)} expired events beside ${fmt(N)} fresh`);
say(`machine: ${availableParallelism()} cores (os.availableParallelism), ${cpus()[0]?.model}, node ${process.version}`);
say(`settings: ${describePacing(pacing)} idle=${IDLE_MS / 1000}s${ONLY ? ` only=${ONLY}` : ''}`);
Runtime.install({ logger: new DefaultLogger('WARN') });
const b = await openBench({ temporal: true });
// Figures of different FerretDB builds differ: the build stamp names the one measured.
const build = await readFile(join(TOOLS_BIN, 'ferretdb.build'), 'utf8').catch(() => 'unknown build');
say(`store: FerretDB ${build.trim()} on SQLite`);
const connection = await NativeConnection.connect({ address: b.temporal!.address });
const client = new Client({ connection: await Connection.connect({ address: b.temporal!.address }) });
try {
  if (ONLY !== 'rate') printPass(await measureDailyPass(b, client, connection, WORKSPACES, pacing, say));
  if (ONLY !== 'pass') printRate(await measurePurgeRate(b, client, N, pacing, IDLE_MS, say));
  say(`\nbench time: ${fmt((performance.now() - benchStarted) / 1000)} s`);
  await appendResults();
} finally {
  await client.connection.close();
  await connection.close();
  await b.close();
}

function printPass(f: PassFigures): void {
  const perWs = (ms: number) => `${fmt(ms / f.workspaces, 2)} ms`;
  say(`\n(a) daily pass, ${fmt(f.workspaces)} workspaces, nothing expired (runNow → completed):`);
  sayTable([
    ['path', 'seconds', 'per workspace', 'activity calls'],
    ['page calls with index probes (ours)', seconds(f.ours.ms), perWs(f.ours.ms), fmt(f.ours.calls)],
    ['a slice call per workspace (baseline)', seconds(f.baseline.ms), perWs(f.baseline.ms), fmt(f.baseline.calls)],
  ]);
  say(`ratio (baseline time / ours): ${fmt(f.baseline.ms / f.ours.ms, 2)}x faster`);
  if (f.workspaces >= 10_000) {
    say(`goal ≤ 60 s at ${fmt(f.workspaces)} workspaces: ${f.ours.ms <= 60_000 ? 'met' : 'NOT met'}`);
  } else {
    const at10k = (ms: number) => `${fmt((ms / f.workspaces) * 10, 1)} s`;
    say(`at 10,000 workspaces, linear from this run (a projection, not a measurement; goal ≤ 60 s):`);
    say(`  ours ${at10k(f.ours.ms)}, baseline ${at10k(f.baseline.ms)}`);
  }
}

function printRate(f: RateFigures): void {
  const ours = f.events / (f.oursMs / 1000);
  const raw = f.events / (f.rawMs / 1000);
  say(`\n(b) purge of ${fmt(f.events)} expired events of one workspace beside ${fmt(f.events)} fresh ones:`);
  sayTable([
    ['path', 'seconds', 'events/s'],
    ['retention workflow, whole pass (runNow → completed)', seconds(f.oursMs), fmt(ours)],
    ['  the workspace alone (first → last purge record)', '', f.oursWindowRate ? fmt(f.oursWindowRate) : '-'],
    ['raw look-up + deleteMany by `_id`, same batch, unpaced', seconds(f.rawMs), fmt(raw)],
  ]);
  say(`ratio (ours / raw): ${fmt(ours / raw, 2)}; goal ≥ 2,000 events/s: ${ours >= 2_000 ? 'met' : 'NOT met'}`);
  const idle99 = percentile(f.list.idle, 99);
  say(`\nevents.list (limit 50) of a workspace of 1,000 events, through the store, a call every ${LIST_EVERY_MS} ms:`);
  const row = (label: string, t: number[]) => {
    const ms = [50, 90, 99].map((p) => fmt(percentile(t, p), 1));
    return [label, t.length, ...ms, fmt(percentile(t, 99) / idle99, 2)];
  };
  sayTable([
    ['while', 'calls', 'p50 ms', 'p90 ms', 'p99 ms', 'p99 / idle'],
    row('idle (half before, half after)', f.list.idle),
    row('the purge runs', f.list.purge),
    row('the raw delete runs', f.list.raw),
  ]);
  say(`goal p99 during the purge ≤ 2x idle: ${percentile(f.list.purge, 99) <= 2 * idle99 ? 'met' : 'NOT met'}`);
}

function seconds(ms: number): string {
  return fmt(ms / 1000, 1);
}

function sayTable(rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const cell = (v: string | number, c: number) => {
    const text = String(v);
    return c === 0 ? text.padEnd(widths[c]!) : text.padStart(widths[c]!);
  };
  for (const r of rows) say(r.map(cell).join('  '));
}

/** A dated section at the end of bench/RESULTS.md; other benchmarks append theirs to the same file. */
async function appendResults(): Promise<void> {
  const command = `npm run bench:purge${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const body = ['```', ...lines, '```', ''].join('\n');
  await appendResultSection(RESULTS, `## ${resultStamp(startedAt)}, \`${command}\`\n\n${body}`);
  console.log(`\nappended to ${RESULTS}`);
}

/** `--name=value` as text, for flags that may be 0 or a word. */
function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
