/**
 * First-page latency of events.list for the five query shapes, on a FerretDB of its own.
 *   npx tsx bench/search.ts            (100,000 events)
 *   BENCH_EVENTS=20000 npx tsx bench/search.ts
 */
import { newId, searchTokens } from '@audit/shared';
import { openBench, seed } from './search-seed.ts';

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const log = (l: string) => console.log(l);

const b = await openBench(log);
try {
  const t0 = Date.now();
  await seed(b, N, { log });
  // The needle of the "done when": one event among N, found by actor and action.
  const at = new Date(Date.now() - 200 * 24 * 3600 * 1000);
  const needle = { category: 'lock' as const, action: 'created', actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' }, target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' }, description: 'Locked the production VPC during the zanzibar incident' };
  const needleId = newId('event', at.getTime());
  await b.store.events.col.insertOne({ _id: needleId, workspaceId: b.workspaceIds[0], organizationId: b.organizationId, seq: N + 1, ...needle, metadata: { ticket: 'INC-42' }, occurredAt: at, recordedAt: at, context: {}, idempotencyKey: null, idem: `auto:${needleId}`, tokens: searchTokens(needle) });
  log(`seeded ${N + 1} events in ${Date.now() - t0} ms`);

  const shapes: [string, () => Promise<{ items: { id: string }[] }>][] = [
    ['no filter', () => b.wsCaller.events.list({ limit: 50 })],
    ['one qualifier (action:lock.created)', () => b.wsCaller.events.list({ limit: 50, q: 'action:lock.created' })],
    ['two words (deploy apply)', () => b.wsCaller.events.list({ limit: 50, q: 'deploy apply' })],
    ['rare word (zanzibar)', () => b.wsCaller.events.list({ limit: 50, q: 'zanzibar' })],
    ['organization scope', () => b.orgCaller.events.list({ limit: 50, scope: 'organization' })],
    ['done-when (actor:ada action:lock.created)', () => b.wsCaller.events.list({ limit: 50, q: 'actor:ada action:lock.created' })],
  ];
  console.log(`\nfirst page (limit 50) over ${N + 1} events, ${RUNS} runs each`);
  console.log('shape'.padEnd(44), 'rows', 'median ms', 'min ms', 'max ms');
  for (const [name, run] of shapes) {
    const times: number[] = [];
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      const s = performance.now();
      rows = (await run()).items.length;
      times.push(performance.now() - s);
    }
    times.sort((x, y) => x - y);
    console.log(name.padEnd(44), String(rows).padStart(4), times[Math.floor(times.length / 2)]!.toFixed(1).padStart(9), times[0]!.toFixed(1).padStart(6), times.at(-1)!.toFixed(1).padStart(6));
  }
  const found = await b.wsCaller.events.list({ limit: 50, q: 'actor:ada action:lock.created' });
  console.log(`\nneedle found: ${found.items.length === 1 && found.items[0]!.id === needleId}`);
} finally {
  await b.close();
}
