/**
 * What hashing at insert costs: the store's insert path (claim in the stream log, insert, commit:
 * everything events.recordBatch does below HTTP) with event hashing against the same path with
 * the hash left out, on one FerretDB, alternating rounds so a slow patch hits both alike. HTTP
 * is left out on purpose: it would only dilute the ratio.
 *   npx tsx bench/ingest-hashing.ts [--events=40000] [--batch=500] [--workspaces=4]
 */
import { randomBytes } from 'node:crypto';
import { newId, searchTokens } from '@audit/shared';
import { createStore, EventsStore, StreamLogStore, type EventDoc, type NewEvent, type Store } from '@audit/store';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, table } from './harness.ts';

const N = arg('events', 40_000);
const BATCH = arg('batch', 500);
const WORKSPACES = arg('workspaces', 4);
const ROUNDS = 4;
const run = randomBytes(4).toString('hex');

/** The same stream log with the hash left out: the baseline. */
class UnhashedLog extends StreamLogStore {
  protected override hashOf(_doc: EventDoc): string | undefined {
    return undefined;
  }
}

async function tenantIn(store: Store, n: number): Promise<{ _id: string; organizationId: string }> {
  const now = new Date();
  const org = { _id: newId('organization'), name: `bench ${n}`, createdAt: now };
  await store.organizations.insert(org);
  const ws = {
    _id: newId('workspace'),
    organizationId: org._id,
    name: `bench ${n}`,
    plan: 'enterprise' as const,
    eventSeq: 0,
    createdAt: now,
    updatedAt: now,
  };
  await store.workspaces.insert(ws);
  return ws;
}

function newEvent(i: number, ws: { _id: string; organizationId: string }): NewEvent {
  const e = sampleEvent(i, run);
  const now = new Date();
  const id = newId('event', now.getTime());
  return {
    _id: id,
    workspaceId: ws._id,
    organizationId: ws.organizationId,
    category: e.category,
    action: e.action,
    actor: e.actor,
    target: e.target,
    description: e.description,
    metadata: e.metadata,
    occurredAt: now,
    recordedAt: now,
    context: e.context,
    idempotencyKey: null,
    idem: `auto:${id}`,
    tokens: searchTokens(e),
  };
}

header('ingest: the store insert path with event hashing vs without', {
  events: N,
  batch: BATCH,
  workspaces: WORKSPACES,
  rounds: ROUNDS,
});
const b = await openBench({ temporal: false });
try {
  const paths = await Promise.all(
    (['hashed', 'unhashed'] as const).map(async (name) => {
      const { db } = await b.raw(`ingest_${name}`);
      const store = createStore(db);
      const events = name === 'hashed' ? store.events : new EventsStore(db, new UnhashedLog(db, store.streamHeads));
      const tenants = await Promise.all(Array.from({ length: WORKSPACES }, (_, i) => tenantIn(store, i)));
      return { name, events, tenants, ms: 0, offset: 0 };
    }),
  );
  const perRound = Math.ceil(N / ROUNDS / BATCH);
  for (const p of paths)
    await p.events.insertForWorkspace(
      p.tenants[0]!._id,
      Array.from({ length: BATCH }, (_, i) => newEvent(i, p.tenants[0]!)),
    ); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of paths) {
      // One lane per workspace: the store serialises claims per workspace within a process.
      p.ms += await lanes(WORKSPACES, perRound, async (i) => {
        const ws = p.tenants[i % WORKSPACES]!;
        await p.events.insertForWorkspace(
          ws._id,
          Array.from({ length: BATCH }, (_, j) => newEvent(p.offset + i * BATCH + j, ws)),
        );
      });
      p.offset += perRound * BATCH;
    }
  }
  const [hashed, unhashed] = paths as [(typeof paths)[0], (typeof paths)[0]];
  const rate = (p: typeof hashed) => (perRound * BATCH * ROUNDS) / (p.ms / 1000);
  // The hash alone, for scale: what it adds per event on one core.
  const sample = Array.from(
    { length: 5_000 },
    (_, i) => ({ ...newEvent(i, hashed.tenants[0]!), seq: i + 1 }) as EventDoc,
  );
  const { eventHashOf } = await import('@audit/store');
  const t0 = performance.now();
  for (const d of sample) eventHashOf(d);
  const perEventUs = ((performance.now() - t0) * 1000) / sample.length;
  console.log('');
  table([
    ['path', 'events/s', 'ratio'],
    ['with hashing (this version)', fmt(rate(hashed)), fmt(rate(hashed) / rate(unhashed), 3)],
    ['without hashing (baseline)', fmt(rate(unhashed)), ''],
  ]);
  const slower = (1 - rate(hashed) / rate(unhashed)) * 100;
  console.log(
    `\nhashing alone: ${fmt(perEventUs, 1)} µs per event (canonical JSON + SHA-256); ingest ${slower >= 0 ? `${fmt(slower, 1)}% slower` : `${fmt(-slower, 1)}% faster (noise)`} with it (goal: at most 10%)`,
  );
} finally {
  await b.close();
}
