import type { Collection } from 'mongodb';
import type { EventDoc } from '@audit/store';
import { sampleDoc, sampleEvent } from './bench-events.ts';
import { lanes } from './harness.ts';

type Tenant = { workspaceId: string; organizationId: string };

export interface IngestComparison {
  oursMs: number;
  rawMs: number;
  /** Events per second through events.recordBatch, and through the raw driver's insertMany. */
  ours: number;
  base: number;
}

export interface IngestRun {
  apiUrl: string;
  key: string;
  /** A second workspace's key, for the API's warm-up batches. */
  warmKey: string;
  tenant: Tenant;
  raw: Collection<EventDoc>;
  rawWorkspace: Tenant;
  /** Where the API's events are counted afterwards (its own database). */
  stored: Collection<EventDoc>;
  events: number;
  batch: number;
  clients: number;
  run: string;
}

/**
 * The same `events` sample documents through events.recordBatch over HTTP (key `key`, workspace
 * `tenant`) and through the raw driver's insertMany into `raw` (workspace `rawWorkspace`), each
 * path warmed with four batches of its own first, then checks the API stored every event.
 */
export async function compareIngest(o: IngestRun): Promise<IngestComparison> {
  const batches = Math.ceil(o.events / o.batch);
  const sizeOf = (first: number) => Math.min(o.batch, o.events - first);
  // Bodies are serialised up front, so the client's JSON work is not counted against the API.
  const body = (first: number, key: string) =>
    JSON.stringify({ events: Array.from({ length: sizeOf(first) }, (_, i) => sampleEvent(first + i, key)) });
  const bodies = Array.from({ length: batches }, (_, i) => body(i * o.batch, o.run));
  const post = async (text: string, token: string) => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const res = await fetch(`${o.apiUrl}/trpc/events.recordBatch`, { method: 'POST', headers, body: text });
    if (res.status !== 200) throw new Error(`recordBatch answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 4; i++) await post(body(i * o.batch, `warm-${o.run}`), o.warmKey);
  const oursMs = await lanes(o.clients, batches, (i) => post(bodies[i]!, o.key));

  const now = new Date();
  const ws = o.rawWorkspace;
  const docBatches = Array.from({ length: batches }, (_, bi) => {
    const first = bi * o.batch;
    return Array.from({ length: sizeOf(first) }, (_, i) => sampleDoc(first + i, o.run, ws, first + i + 1, now));
  });
  const warmWs = { ...ws, workspaceId: `${ws.workspaceId}_warm` };
  const warmDocs = Array.from({ length: 4 * o.batch }, (_, i) => sampleDoc(i, `warm-${o.run}`, warmWs, i + 1, now));
  for (let i = 0; i < 4; i++) await o.raw.insertMany(warmDocs.slice(i * o.batch, (i + 1) * o.batch), { ordered: true });
  const rawMs = await lanes(o.clients, batches, async (i) => {
    await o.raw.insertMany(docBatches[i]!, { ordered: true });
  });

  // The bench's events only (all lock.created): the workspace also holds the service's own
  // events, such as the audit event of the API key the tenant was set up with.
  const ours = { workspaceId: o.tenant.workspaceId, category: 'lock' as const, action: 'created' };
  const count = await o.stored.countDocuments(ours);
  if (count !== o.events) throw new Error(`the API stored ${count} events, expected ${o.events}`);
  return { oursMs, rawMs, ours: o.events / (oursMs / 1000), base: o.events / (rawMs / 1000) };
}
