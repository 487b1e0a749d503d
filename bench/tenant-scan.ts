/**
 * What another tenant's volume costs a small tenant's first page on FerretDB: one workspace holds
 * 99 % of the log, a second one 1 %, and the small one's first page (limit 50) is read through the
 * event store (its filter keeps the tenant a top-level equality, which the tools build's pushdown
 * patch hands to SQLite's index) against the same question spelled so that FerretDB cannot push
 * it down (`$and` around the tenant), which is what every list cost before the patch: a decode of
 * the whole collection.
 *   npx tsx bench/tenant-scan.ts [--events=20000] [--runs=3]
 */
import { arg, fmt, header, medianQuery, table } from './harness.ts';
import { openBench, seed } from './search-seed.ts';

const EVENTS = arg('events', 20_000);
const RUNS = arg('runs', 3);
const SMALL_SHARE = 0.01;

header("tenant scan: a small tenant's first page beside a large tenant, pushed down vs not", {
  events: EVENTS,
  runs: RUNS,
  smallShare: SMALL_SHARE,
});
const b = await openBench(() => {});
try {
  await seed(b, EVENTS, { share: SMALL_SHARE, log: (l) => console.log(l) });
  const [large, small] = b.workspaceIds;
  const sort = { recordedAt: -1, _id: -1 } as const;
  const ours = (ws: string) => () => b.store.events.listForWorkspaces([ws], { limit: 50 });
  const notPushed = (ws: string) => () =>
    b.store.events.col
      .find({ $and: [{ workspaceId: ws }] })
      .sort(sort)
      .limit(50)
      .toArray();
  const rows = [];
  for (const [name, ws] of [
    ['small tenant (1 %)', small],
    ['large tenant (99 %)', large],
  ] as const) {
    const o = await medianQuery(ours(ws), RUNS);
    const base = await medianQuery(notPushed(ws), RUNS);
    if (o.rows !== base.rows) throw new Error(`${name}: ${o.rows} rows pushed down, ${base.rows} not`);
    rows.push([name, String(o.rows), fmt(o.ms, 1), fmt(base.ms, 1), `x${fmt(base.ms / o.ms, 2)} faster`]);
  }
  console.log('');
  table([
    [
      `first page (limit 50) in a log of ${fmt(EVENTS)} events, median of ${RUNS}`,
      'rows',
      'ours ms (tenant pushed down)',
      'baseline ms (same filter, not pushed down)',
      'ratio',
    ],
    ...rows,
  ]);
} finally {
  await b.close();
}
