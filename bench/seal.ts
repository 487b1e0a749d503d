/**
 * Sealing throughput per workspace: checkpoints of up to 10,000 events sealed from the stream log
 * (walk, Merkle root, Ed25519 signature, leaves stored) against the floor of the same walk, which
 * only reads and decodes the claims, on one FerretDB.
 *   npx tsx bench/seal.ts [--events=50000]
 */
import { randomBytes } from 'node:crypto';
import { newId, searchTokens } from '@audit/shared';
import { generateSigningKeyValue, parseSigningKey } from '@audit/shared/integrity/signing';
import { createStore, StreamHeadsStore, StreamLogStore, type NewEvent } from '@audit/store';
import { sealNext } from '@audit/workflows';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, openBench, table } from './harness.ts';

const N = arg('events', 50_000);
const run = randomBytes(4).toString('hex');

header('sealing: checkpoints per workspace vs reading the same stream log', { events: N });
const b = await openBench({ temporal: false });
try {
  const { db } = await b.raw('seal');
  const store = createStore(db);
  const now = new Date();
  const org = { _id: newId('organization'), name: 'bench', createdAt: now };
  await store.organizations.insert(org);
  const ws = {
    _id: newId('workspace'),
    organizationId: org._id,
    name: 'bench',
    plan: 'enterprise' as const,
    eventSeq: 0,
    createdAt: now,
    updatedAt: now,
  };
  await store.workspaces.insert(ws);
  for (let i = 0; i < N; i += 500) {
    const docs: NewEvent[] = Array.from({ length: Math.min(500, N - i) }, (_, j) => {
      const e = sampleEvent(i + j, run);
      const id = newId('event');
      return {
        _id: id,
        workspaceId: ws._id,
        organizationId: org._id,
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
    });
    await store.events.insertForWorkspace(ws._id, docs);
  }
  // Commit marks are written in the background: let them land so nothing waits on the grace.
  await new Promise((r) => setTimeout(r, 1_000));

  // The floor: a fresh reader (no cached claims) walking the whole log.
  const reader = new StreamLogStore(db, new StreamHeadsStore(db));
  let t0 = performance.now();
  let read = 0;
  for (let pos = 1; ;) {
    const r = await reader.resolve(ws._id, pos, new Date());
    if (r === null || r === 'open') break;
    read += r.claim.events.length;
    pos = r.claim.last + 1;
  }
  const floorMs = performance.now() - t0;

  // Sealing on a store of its own, so it reads the claims from the database too.
  const sealer = createStore(db);
  const key = parseSigningKey(generateSigningKeyValue());
  t0 = performance.now();
  let sealed = 0;
  let checkpoints = 0;
  for (;;) {
    const out = await sealNext({ store: sealer, key, clock: () => new Date() }, ws._id);
    if (!out.sealed) break;
    sealed += out.sealed.count;
    checkpoints++;
  }
  const sealMs = performance.now() - t0;
  if (sealed !== N || read !== N) throw new Error(`sealed ${sealed}, read ${read}, expected ${N}`);
  console.log('');
  table([
    ['path', 'events/s', 'ms', 'ratio'],
    [`seal ${checkpoints} checkpoints (this version)`, fmt(N / (sealMs / 1000)), fmt(sealMs), fmt(sealMs / floorMs, 2)],
    ['read the same claims (floor)', fmt(N / (floorMs / 1000)), fmt(floorMs), ''],
  ]);
} finally {
  await b.close();
}
