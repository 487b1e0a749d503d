/**
 * Search: first-page latency (limit 50) of five query shapes as the history grows, through
 * events.list (parse, filter, keyset, view) vs the raw driver's `find` of the same question on
 * the same server. The collection grows in place from one size to the next.
 *   npx tsx bench/search.ts [--sizes=10000,100000,1000000] [--runs=3] [--baseline-up-to=N]
 * From 100,000 events each shape runs once: on FerretDB every query scans the collection.
 */
import type { Filter } from 'mongodb';
import { newId, searchTokens } from '@audit/shared';
import type { EventDoc } from '@audit/store';
import { arg, fmt, header, medianQuery, table } from './harness.ts';
import { openBench, seed } from './search-seed.ts';

const sizesArg = process.argv.find((a) => a.startsWith('--sizes='))?.split('=')[1] ?? '10000,100000,1000000';
const SIZES = sizesArg.split(',').map((s) => Number(s.replaceAll('_', '')));
if (SIZES.some((n, i) => !Number.isInteger(n) || n <= 0 || (i > 0 && n <= SIZES[i - 1]!)))
  throw new Error('--sizes must be increasing positive integers');
const RUNS = arg('runs', 3);
/** Above this size only our path is timed: on FerretDB both are the same full scan, minutes each. */
const BASELINE_UP_TO = arg('baseline-up-to', Number.MAX_SAFE_INTEGER);

header('search: events.list first page vs raw find, as history grows', {
  sizes: SIZES.join(','),
  runs: RUNS,
  secondWorkspaceShare: '20%',
});
const b = await openBench(() => {});
try {
  const [ws0, ws1] = b.workspaceIds;
  const sort = { recordedAt: -1, _id: -1 } as const;
  const raw = (filter: Filter<EventDoc>) => () => b.store.events.col.find(filter).sort(sort).limit(50).toArray();
  const shapes: [string, () => Promise<unknown[]>, () => Promise<unknown[]>][] = [
    ['no filter', async () => (await b.wsCaller.events.list({ limit: 50 })).items, raw({ workspaceId: ws0 })],
    [
      'one qualifier (action:lock.created)',
      async () => (await b.wsCaller.events.list({ limit: 50, q: 'action:lock.created' })).items,
      raw({ workspaceId: ws0, category: 'lock', action: 'created' }),
    ],
    [
      'two words (deploy apply)',
      async () => (await b.wsCaller.events.list({ limit: 50, q: 'deploy apply' })).items,
      raw({ workspaceId: ws0, tokens: { $all: ['deploy', 'apply'] } }),
    ],
    [
      'rare word (zanzibar)',
      async () => (await b.wsCaller.events.list({ limit: 50, q: 'zanzibar' })).items,
      raw({ workspaceId: ws0, tokens: 'zanzibar' }),
    ],
    [
      'organization scope',
      async () => (await b.orgCaller.events.list({ limit: 50, scope: 'organization' })).items,
      raw({ workspaceId: { $in: [ws0, ws1] } }),
    ],
  ];

  const results = new Map<string, { ours: number; raw: number | null; rows: number }[]>();
  let seeded = 0;
  for (const size of SIZES) {
    const started = performance.now();
    await seed(b, size - 1, { from: seeded, log: (l) => console.log(l) });
    if (seeded === 0) await insertNeedle(size);
    seeded = size - 1;
    console.log(`\n${fmt(size)} events stored (seeded in ${fmt((performance.now() - started) / 1000, 1)} s)`);
    const runs = size >= 100_000 ? 1 : RUNS;
    for (const [name, ours, base] of shapes) {
      let o: { ms: number; rows: number };
      try {
        o = await medianQuery(ours, runs);
      } catch (err) {
        // FerretDB can stop answering for longer than the driver waits while it sorts a million
        // documents in memory; say so in the table rather than lose the sizes already measured.
        const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        console.log(`  ${name}: ours FAILED: ${why}`);
        results.set(name, [...(results.get(name) ?? []), { ours: Number.NaN, raw: null, rows: 0 }]);
        continue;
      }
      const r = size <= BASELINE_UP_TO ? await medianQuery(base, runs) : null;
      if (r && o.rows !== r.rows) throw new Error(`${name}: events.list gave ${o.rows} rows, raw find ${r.rows}`);
      results.set(name, [...(results.get(name) ?? []), { ours: o.ms, raw: r?.ms ?? null, rows: o.rows }]);
      console.log(
        `  ${name}: ours ${fmt(o.ms, 1)} ms, raw ${r ? `${fmt(r.ms, 1)} ms` : 'not run'} (${runs} run${runs > 1 ? 's, median' : ''})`,
      );
    }
  }

  console.log(`\nfirst page, milliseconds (median of ${RUNS} runs; one run from 100,000)`);
  const head = ['shape', 'rows'];
  for (const n of SIZES) head.push(`ours@${fmt(n)}`, `raw@${fmt(n)}`, 'ratio');
  if (SIZES.length > 1) head.push(`growth ${fmt(SIZES[0]!)}→${fmt(SIZES.at(-1)!)}`);
  const rows: (string | number)[][] = [head];
  for (const [name, points] of results) {
    const row: (string | number)[] = [name, points[0]!.rows];
    for (const p of points)
      row.push(
        Number.isNaN(p.ours) ? 'failed' : fmt(p.ours, 1),
        p.raw === null ? '-' : fmt(p.raw, 1),
        p.raw === null ? '-' : fmt(p.ours / p.raw, 2),
      );
    const growth = points.at(-1)!.ours / points[0]!.ours;
    if (points.length > 1) row.push(Number.isNaN(growth) ? '-' : `x${fmt(growth, 1)}`);
    rows.push(row);
  }
  table(rows);
  const needle = await b.wsCaller.events.list({ limit: 50, q: 'actor:ada action:lock.created' });
  console.log(`\nneedle (actor:ada action:lock.created) found: ${needle.items.length === 1}`);
} finally {
  await b.close();
}

/** One event among all the others, found only by the rare word and by actor plus action. */
async function insertNeedle(size: number): Promise<void> {
  const at = new Date(Date.now() - 200 * 24 * 3600 * 1000);
  const needle = {
    category: 'lock' as const,
    action: 'created',
    actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' },
    description: 'Locked the production VPC during the zanzibar incident',
  };
  const id = newId('event', at.getTime());
  await b.store.events.col.insertOne({
    _id: id,
    workspaceId: b.workspaceIds[0],
    organizationId: b.organizationId,
    seq: SIZES.at(-1)! + size,
    ...needle,
    metadata: { ticket: 'INC-42' },
    occurredAt: at,
    recordedAt: at,
    context: {},
    idempotencyKey: null,
    idem: `auto:${id}`,
    tokens: searchTokens(needle),
  });
}
