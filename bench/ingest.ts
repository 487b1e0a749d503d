/**
 * Ingest: events.recordBatch over HTTP (the API in its own process) vs the raw driver's
 * insertMany of the same documents, on one FerretDB.
 *   npx tsx bench/ingest.ts [--events=100000] [--batch=500] [--clients=4]
 */
import { randomBytes } from 'node:crypto';
import type { EventDoc } from '@audit/store';
import { createTenantOverHttp } from '@audit/testing/drills';
import { arg, fmt, header, openBench, table } from './harness.ts';
import { compareIngest } from './ingest-compare.ts';

const N = arg('events', 100_000);
const BATCH = arg('batch', 500);
const CLIENTS = arg('clients', 4);
const run = randomBytes(4).toString('hex');

header('ingest: events.recordBatch over HTTP vs raw insertMany', { events: N, batch: BATCH, clients: CLIENTS });
const b = await openBench({ temporal: false });
try {
  const api = await b.api('ingest_api');
  const tenant = await createTenantOverHttp(api.url);
  const warm = await createTenantOverHttp(api.url);
  const raw = await b.raw('ingest_raw');
  const check = await b.raw('ingest_api');
  const ws = { workspaceId: tenant.workspaceId, organizationId: tenant.organizationId };
  const r = await compareIngest({
    apiUrl: api.url,
    key: tenant.key,
    warmKey: warm.key,
    tenant: ws,
    raw: raw.db.collection<EventDoc>('events'),
    rawWorkspace: ws,
    stored: check.db.collection<EventDoc>('events'),
    events: N,
    batch: BATCH,
    clients: CLIENTS,
    run,
  });
  console.log('');
  table([
    ['path', 'events', 'seconds', 'events/s'],
    ['events.recordBatch over HTTP', N, fmt(r.oursMs / 1000, 1), fmt(r.ours)],
    ['raw driver insertMany', N, fmt(r.rawMs / 1000, 1), fmt(r.base)],
  ]);
  console.log(`ratio (ours / raw): ${fmt(r.ours / r.base, 2)}  (goal ≥ 0.70)`);
} finally {
  await b.close();
}
