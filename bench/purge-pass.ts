import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { newId, type Plan } from '@audit/shared';
import { createStore, type Store } from '@audit/store';
import { sampleDoc } from './bench-events.ts';
import { fmt, lanes, type Bench } from './harness.ts';
import { PER_WORKSPACE_QUEUE, perWorkspaceWorker } from './purge-per-workspace.ts';
import { runPurge, startPurgeWorker, storeWorkspace, type Pacing, type PurgeRun } from './purge-support.ts';

const PLANS: Plan[] = ['enterprise', 'team', 'free'];
const EVENTS_PER_WORKSPACE = 3;

export interface PassFigures {
  workspaces: number;
  seedMs: number;
  ours: { ms: number; calls: number };
  baseline: { ms: number; calls: number };
}

/**
 * (a) The daily pass with nothing expired: `workspaces` workspaces stored directly, each with a
 * few events recorded just now through the store's insert path (events, stream claims), purged
 * by the product's workflow and by the per-workspace walk it replaced, on the same database.
 */
export async function measureDailyPass(
  b: Bench,
  client: Client,
  connection: NativeConnection,
  workspaces: number,
  pacing: Pacing,
  say: (line: string) => void,
): Promise<PassFigures> {
  const db = 'purge_pass';
  const store = createStore((await b.raw(db)).db);
  const seedMs = await seedFresh(store, workspaces);
  say(`seeded ${fmt(workspaces)} workspaces of ${EVENTS_PER_WORKSPACE} fresh events in ${fmt(seedMs / 1000, 1)} s`);

  const taskQueue = 'bench-purge-pass';
  const worker = await startPurgeWorker(b, db, taskQueue, pacing);
  let ours: PurgeRun;
  try {
    ours = await runPurge(client, store, taskQueue);
  } finally {
    await worker.stop();
  }
  const deleted = ours.report.totalDeleted;
  if (deleted !== 0) throw new Error(`the pass deleted ${deleted} events of fresh workspaces`);

  const baseWorker = await perWorkspaceWorker(connection, store, Number(pacing.batchSize ?? 500));
  const baseline = await baseWorker.runUntil(async () => {
    const started = performance.now();
    const handle = await client.workflow.start('perWorkspacePurge', {
      workflowId: `bench-per-workspace-${newId('retentionRun')}`,
      taskQueue: PER_WORKSPACE_QUEUE,
      args: [{ runId: newId('retentionRun'), asOf: new Date().toISOString() }],
    });
    const { calls } = (await handle.result()) as { calls: number };
    return { ms: performance.now() - started, calls };
  });
  return { workspaces, seedMs, ours: { ms: ours.ms, calls: ours.calls }, baseline };
}

async function seedFresh(store: Store, workspaces: number): Promise<number> {
  const started = performance.now();
  const organizationId = newId('organization');
  await store.organizations.insert({ _id: organizationId, name: 'purge bench', createdAt: new Date() });
  await lanes(4, workspaces, async (i) => {
    const ws = await storeWorkspace(store, organizationId, PLANS[i % PLANS.length]!, `pass ${i}`);
    const events = Array.from({ length: EVENTS_PER_WORKSPACE }, (_, k) => {
      const { seq: _seq, ...event } = sampleDoc(k, `pass-${i}`, { workspaceId: ws._id, organizationId }, 0, new Date());
      return event;
    });
    await store.events.insertForWorkspace(ws._id, events);
  });
  return performance.now() - started;
}
