/**
 * Ingest: events.recordBatch over HTTP (the API in its own process) vs the raw driver's
 * insertMany of the same documents, on one FerretDB.
 *   npx tsx bench/ingest.ts [--events=100000] [--batch=500] [--clients=4]
 */
import { randomBytes } from 'node:crypto';
import type { EventDoc } from '@audit/store';
import { createTenantOverHttp } from '@audit/testing/drills';
import { sampleDoc, sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, table } from './harness.ts';

const N = arg('events', 100_000);
const BATCH = arg('batch', 500);
const CLIENTS = arg('clients', 4);
const batches = Math.ceil(N / BATCH);
const run = randomBytes(4).toString('hex');

header('ingest: events.recordBatch over HTTP vs raw insertMany', { events: N, batch: BATCH, clients: CLIENTS });
const b = await openBench({ temporal: false });
try {
  const api = await b.api('ingest_api');
  const tenant = await createTenantOverHttp(api.url);
  const warm = await createTenantOverHttp(api.url);
  // Bodies are serialised up front, so the client's JSON work is not counted against the API.
  const body = (first: number, key: string) => JSON.stringify({ events: Array.from({ length: Math.min(BATCH, N - first) }, (_, i) => sampleEvent(first + i, key)) });
  const bodies = Array.from({ length: batches }, (_, i) => body(i * BATCH, run));
  const post = async (text: string, token: string) => {
    const res = await fetch(`${api.url}/trpc/events.recordBatch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: text });
    if (res.status !== 200) throw new Error(`recordBatch answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 4; i++) await post(body(i * BATCH, `warm-${run}`), warm.key);
  const oursMs = await lanes(CLIENTS, batches, (i) => post(bodies[i]!, tenant.key));

  const raw = await b.raw('ingest_raw');
  const ws = { workspaceId: tenant.workspaceId, organizationId: tenant.organizationId };
  const now = new Date();
  const docBatches = Array.from({ length: batches }, (_, bi) => Array.from({ length: Math.min(BATCH, N - bi * BATCH) }, (_, i) => sampleDoc(bi * BATCH + i, run, ws, bi * BATCH + i + 1, now)));
  const warmDocs = Array.from({ length: 4 * BATCH }, (_, i) => sampleDoc(i, `warm-${run}`, { ...ws, workspaceId: 'ws_warm' }, i + 1, now));
  for (let i = 0; i < 4; i++) await raw.db.collection<EventDoc>('events').insertMany(warmDocs.slice(i * BATCH, (i + 1) * BATCH), { ordered: true });
  const rawMs = await lanes(CLIENTS, batches, async (i) => void (await raw.db.collection<EventDoc>('events').insertMany(docBatches[i]!, { ordered: true })));

  const check = await b.raw('ingest_api');
  // The bench's events only (all lock.created): the workspace also holds the service's own
  // events, such as the audit event of the API key the tenant was set up with.
  const stored = await check.db.collection('events').countDocuments({ workspaceId: tenant.workspaceId, category: 'lock', action: 'created' });
  if (stored !== N) throw new Error(`the API stored ${stored} events, expected ${N}`);
  const ours = N / (oursMs / 1000);
  const base = N / (rawMs / 1000);
  console.log('');
  table([
    ['path', 'events', 'seconds', 'events/s'],
    ['events.recordBatch over HTTP', N, fmt(oursMs / 1000, 1), fmt(ours)],
    ['raw driver insertMany', N, fmt(rawMs / 1000, 1), fmt(base)],
  ]);
  console.log(`ratio (ours / raw): ${fmt(ours / base, 2)}  (goal ≥ 0.70)`);
} finally {
  await b.close();
}
