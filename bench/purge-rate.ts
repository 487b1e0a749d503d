import type { Client } from '@temporalio/client';
import type { Collection } from 'mongodb';
import { newId, retentionCutoff } from '@audit/shared';
import { createStore, type EventDoc, type Store, type WorkspaceDoc } from '@audit/store';
import { sampleDoc } from './bench-events.ts';
import { fmt, lanes, type Bench } from './harness.ts';
import { listLatencies, runPurge, startPurgeWorker, storeWorkspace } from './purge-support.ts';
import type { Pacing, PurgeRun } from './purge-support.ts';

const DAY = 86_400_000;
/** The listed workspace's size: fixed, so its page costs the same at every N. */
const LISTED_EVENTS = 1_000;
/** The N non-expired events live in this many other workspaces. */
const OTHERS = 10;

export interface RateFigures {
  events: number;
  /** runNow → completed, the whole pass (it also checks the other workspaces). */
  oursMs: number;
  /** From the first purge record of the purged workspace to its last: its deletes alone. */
  oursWindowRate: number | null;
  rawMs: number;
  list: { idle: number[]; purge: number[]; raw: number[] };
}

/**
 * (b) N expired events of one workspace purged by the product's workflow beside N non-expired
 * events of other workspaces, then N more deleted raw through the driver (the same look-up and
 * `deleteMany` by `_id`, unpaced, no purge records, no Temporal); `events.list` of a workspace of
 * 1,000 events timed through the store while idle (before and after), and during each.
 */
export async function measurePurgeRate(
  b: Bench,
  client: Client,
  n: number,
  pacing: Pacing,
  idleMs: number,
  say: (line: string) => void,
): Promise<RateFigures> {
  const db = 'purge_rate';
  const mongo = await b.raw(db);
  const store = createStore(mongo.db);
  const organizationId = newId('organization');
  await store.organizations.insert({ _id: organizationId, name: 'purge bench', createdAt: new Date() });
  // Created first, so the walk reaches it before the others.
  const purged = await storeWorkspace(store, organizationId, 'team', 'purged');
  const listed = await storeWorkspace(store, organizationId, 'enterprise', 'listed');
  const old = Date.now() - 400 * DAY;
  let started = performance.now();
  await seed(store.events.col, purged, n, (i) => new Date(old + i));
  for (let k = 0; k < OTHERS; k++) {
    const other = await storeWorkspace(store, organizationId, k % 2 ? 'team' : 'enterprise', `other ${k}`);
    await seed(store.events.col, other, Math.ceil(n / OTHERS), (i) => new Date(Date.now() - i * 1000));
  }
  await seed(store.events.col, listed, LISTED_EVENTS, (i) => new Date(Date.now() - i * 1000));
  const took = () => `${fmt((performance.now() - started) / 1000, 1)} s`;
  say(`seeded ${fmt(n)} expired and ${fmt(n + LISTED_EVENTS)} fresh events in ${took()}`);

  // Idle half before the purge and half after the raw delete: a shared machine drifts.
  const idleBefore = await listLatencies(store, listed._id, () => false, idleMs / 2);
  const worker = await startPurgeWorker(b, db, 'bench-purge-rate', pacing);
  let finished = false;
  const duringPurge = listLatencies(store, listed._id, () => finished);
  let ours: PurgeRun;
  try {
    ours = await runPurge(client, store, 'bench-purge-rate').finally(() => (finished = true));
  } finally {
    await worker.stop();
  }
  const purge = await duringPurge;
  const byWorkspace = ours.report.deletedByWorkspace;
  if (byWorkspace[purged._id] !== n) throw new Error(`the purge deleted ${JSON.stringify(byWorkspace)}, expected ${n}`);
  const oursWindowRate = await recordWindowRate(store, purged._id, n);

  const baseline = await storeWorkspace(store, organizationId, 'team', 'raw baseline');
  started = performance.now();
  await seed(store.events.col, baseline, n, (i) => new Date(old + i));
  say(`seeded ${fmt(n)} expired events for the raw baseline in ${took()}`);
  let rawDone = false;
  const duringRaw = listLatencies(store, listed._id, () => rawDone);
  started = performance.now();
  const events = mongo.db.collection<EventDoc>('events');
  const batch = Number(pacing.batchSize ?? 500);
  const deleted = await rawDelete(events, baseline._id, batch).finally(() => (rawDone = true));
  const rawMs = performance.now() - started;
  if (deleted !== n) throw new Error(`the raw delete removed ${deleted}, expected ${n}`);
  const raw = await duringRaw;
  const idleAfter = await listLatencies(store, listed._id, () => false, idleMs / 2);
  const idle = [...idleBefore, ...idleAfter].sort((x, y) => x - y);
  return { events: n, oursMs: ours.ms, oursWindowRate, rawMs, list: { idle, purge, raw } };
}

/** `count` events of one workspace through the driver, 5,000 per insertMany on two lanes. */
async function seed(col: Collection<EventDoc>, ws: WorkspaceDoc, count: number, at: (i: number) => Date) {
  const target = { workspaceId: ws._id, organizationId: ws.organizationId };
  await lanes(2, Math.ceil(count / 5_000), async (bi) => {
    const docs = Array.from({ length: Math.min(5_000, count - bi * 5_000) }, (_, j) => {
      const i = bi * 5_000 + j;
      return sampleDoc(i, ws._id, target, i + 1, at(i));
    });
    await col.insertMany(docs, { ordered: false });
  });
}

/** The baseline: look up a batch of expired ids, `deleteMany` them by `_id`, until none is left. */
async function rawDelete(col: Collection<EventDoc>, workspaceId: string, batch: number): Promise<number> {
  const cutoff = retentionCutoff('team', new Date());
  let deleted = 0;
  for (;;) {
    const expired = { workspaceId, recordedAt: { $lt: cutoff } };
    const picked = await col
      .find(expired, { projection: { _id: 1 } })
      .limit(batch)
      .toArray();
    const ids = picked.map((d) => d._id);
    if (ids.length === 0) return deleted;
    for (let i = 0; i < ids.length; i += 1_000) {
      deleted += (await col.deleteMany({ _id: { $in: ids.slice(i, i + 1_000) } })).deletedCount;
    }
  }
}

/** Events/s from the workspace's first purge record to its last (each is written just before its batch's delete). */
async function recordWindowRate(store: Store, workspaceId: string, n: number): Promise<number | null> {
  const records = await store.purgeRecords.listForWorkspace(workspaceId);
  if (records.length < 2) return null;
  const times = records.map((r) => Date.parse(r.createdAt)).sort((x, y) => x - y);
  const last = records.reduce((a, r) => (Date.parse(r.createdAt) > Date.parse(a.createdAt) ? r : a));
  return (n - last.count) / ((times.at(-1)! - times[0]!) / 1000);
}
