import { availableParallelism, cpus } from 'node:os';
import { fmt, percentile, table } from '../harness.ts';
import type { ShapeResult } from './measure.ts';
import type { SizeResult } from './run-size.ts';

type Row = string[];
type Measured = { big: ShapeResult; ref: ShapeResult };

const p = (sorted: number[], q: number) => percentile(sorted, q);
const ms = (n: number) => fmt(n, 1);
const x = (n: number) => `x${fmt(n, 2)}`;
const spread = (sorted: number[]) => `${ms(p(sorted, 50))} / ${ms(p(sorted, 99))}`;
const mark = (met: boolean) => (met ? 'met' : 'NOT met');
const measured = (s: SizeResult['shapes'][number]): s is Measured => !('error' in s);

/** The goal of a shape, judged on the big workspace; prefix and phrase against the common word's p50. */
function verdict(pair: Measured, commonWordP50: number): { goal: string; met: boolean } {
  const p50 = p(pair.big.api, 50);
  switch (pair.big.shape.kind) {
    case 'list': {
      const met = p50 <= 50 && p(pair.big.api, 99) <= 200 && p50 / p(pair.ref.api, 50) <= 2;
      return { goal: 'p50 ≤ 50 ms, p99 ≤ 200 ms, ≤ x2 of the reference', met };
    }
    case 'common word':
      return { goal: 'p50 ≤ 100 ms', met: p50 <= 100 };
    case 'single-match word':
      return { goal: 'p50 ≤ 1 s', met: p50 <= 1000 };
    default:
      return { goal: `≤ x2 of the common word (now ${x(p50 / commonWordP50)})`, met: p50 <= 2 * commonWordP50 };
  }
}

export function shapeRows(r: SizeResult): Row[] {
  const common = r.shapes.filter(measured).find((s) => s.big.shape.kind === 'common word');
  const commonP50 = common ? p(common.big.api, 50) : Number.NaN;
  const ref = `ref ${fmt(r.reference)}`;
  const head = [
    'shape (limit 50)',
    'rows',
    'API p50 / p99 ms',
    'raw p50 / p99 ms',
    'API / raw p50',
    `API ${ref} p50 / p99 ms`,
    `raw ${ref} p50 ms`,
    `API / raw ${ref}`,
    `big / ${ref} p50`,
    'runs (big/ref)',
    'goal (big)',
    'verdict',
  ];
  const rows = r.shapes.map((pair) => {
    if (!measured(pair)) return [pair.name, '-', ...head.slice(2, -1).map(() => ''), `FAILED: ${oneLine(pair.error)}`];
    const v = verdict(pair, commonP50);
    const api = (s: ShapeResult) => p(s.api, 50);
    return [
      pair.big.shape.name,
      `${pair.big.rows}`,
      spread(pair.big.api),
      spread(pair.big.raw),
      x(api(pair.big) / p(pair.big.raw, 50)),
      spread(pair.ref.api),
      ms(p(pair.ref.raw, 50)),
      x(api(pair.ref) / p(pair.ref.raw, 50)),
      x(api(pair.big) / api(pair.ref)),
      `${pair.big.api.length}/${pair.ref.api.length}`,
      v.goal,
      mark(v.met),
    ];
  });
  return [head, ...rows];
}

/** Table cells and markdown hold one line, without the column separator. */
const oneLine = (text: string) => text.replace(/[|\n]/g, ' ').slice(0, 200);

export function exportRows(r: SizeResult): Row[] {
  const e = r.exports;
  type Export = typeof e.big;
  const rss = (a: Export) => (a.rssBeforeMiB === null ? '-' : `${fmt(a.rssBeforeMiB)} → ${fmt(a.rssPeakMiB!)}`);
  const cells = (a: Export) => [fmt(a.rows), ms(a.ttfbMs), fmt(a.ms / 1000, 1), fmt(a.perSecond)];
  const met = e.big.ttfbMs <= 500 && e.big.perSecond >= 10_000;
  const goal = 'first byte ≤ 500 ms, ≥ 10,000 events/s';
  const ref = `ref ${fmt(r.reference)}`;
  return [
    [
      'export (NDJSON, whole workspace)',
      'rows',
      'first byte ms',
      'seconds',
      'events/s',
      'API / raw events/s',
      'API RSS MiB (before → peak)',
      'goal',
      'verdict',
    ],
    ['API GET /export, big', ...cells(e.big), x(e.big.perSecond / e.bigRaw.perSecond), rss(e.big), goal, mark(met)],
    ['raw find (same sort, batches of 1,000), big', ...cells(e.bigRaw), '', '', '', ''],
    [`API GET /export, ${ref}`, ...cells(e.ref), x(e.ref.perSecond / e.refRaw.perSecond), rss(e.ref), '', ''],
    [`raw find, ${ref}`, ...cells(e.refRaw), '', '', '', ''],
  ];
}

export function ingestRows(r: SizeResult): Row[] {
  const { ingest: i, latency: l } = r;
  const ratio = i.ours / i.base;
  const p50 = p(l.ours.sorted, 50) / p(l.base.sorted, 50);
  return [
    ['ingest beside the history', 'ours', 'raw driver', 'ratio', 'goal', 'verdict'],
    [
      'events/s, recordBatch of 500, 4 clients',
      fmt(i.ours),
      `${fmt(i.base)} (insertMany)`,
      fmt(ratio, 2),
      '≥ 0.9',
      mark(ratio >= 0.9),
    ],
    [
      'events.record p50 / p99 ms, 1 client',
      spread(l.ours.sorted),
      `${spread(l.base.sorted)} (insertOne)`,
      x(p50),
      'p50 ≤ x3',
      mark(p50 <= 3),
    ],
  ];
}

function seedLine(r: SizeResult): string {
  const s = r.seed;
  const rate = fmt(s.events / (s.ms / 1000));
  return `seeded ${fmt(s.events)} events through the store in ${fmt(s.ms / 1000, 1)} s (${rate} events/s)`;
}

export function printSize(r: SizeResult): void {
  const sizes = `big workspace ${fmt(r.n)} events (+ ${fmt(r.n)} in nine others), reference ${fmt(r.reference)}`;
  console.log(`\n== ${sizes}; ${seedLine(r)}`);
  for (const rows of [shapeRows(r), exportRows(r), ingestRows(r)]) {
    console.log('');
    table(rows);
  }
}

function mdTable(rows: Row[]): string {
  const line = (row: Row) => `| ${row.join(' | ')} |`;
  return [line(rows[0]!), `|${rows[0]!.map(() => ' --- ').join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** A section for bench/RESULTS.md: `title` dates the run and names its command, `note` its repetitions. */
export function markdownSection(r: SizeResult, title: string, note: string): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${availableParallelism()} cores (os.availableParallelism), ${cpu}, node ${process.version}`;
  const data =
    `${fmt(r.n)} events beside the big workspace in nine other workspaces of its organization; reference ` +
    `workspace ${fmt(r.reference)} (+ ${fmt(r.reference)} beside it); ${seedLine(r)}.`;
  const lines = [`## ${title}: big workspace ${fmt(r.n)} events`, '', `${note} Machine: ${machine}. ${data}`];
  for (const rows of [shapeRows(r), exportRows(r), ingestRows(r)]) lines.push('', mdTable(rows));
  return `${lines.join('\n')}\n`;
}
