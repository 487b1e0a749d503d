import { randomBytes } from 'node:crypto';
import type { Checkpoint, PurgeRecord } from '@audit/shared/integrity/checkpoint';
import type { VerifyInput } from '@audit/shared/integrity/verify-core';
import { stripCheckpointDoc, stripPurgeRecordDoc } from '@audit/store';
import type { TestEnv } from '../support.ts';

/**
 * Runs one sealing pass now, as the Schedule would: the `checkpointSeal` workflow on the env's
 * task queue (a worker must be running). Returns what the pass sealed.
 */
export async function sealNow(env: TestEnv): Promise<{ workspaces: number; checkpoints: number; events: number }> {
  const client = env.deps.temporal!;
  return client.workflow.execute('checkpointSeal', {
    taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
    workflowId: `seal-${randomBytes(6).toString('hex')}`,
    args: [],
  });
}

/**
 * Everything a verifier needs about one workspace, read straight from the database (so a test
 * can tamper there and then check): events in the API's shape, checkpoints with their leaves,
 * purge records and the published keys.
 */
export async function verifyInputFromStore(env: TestEnv, workspaceId: string): Promise<VerifyInput> {
  const { store } = env.deps;
  const events = (await store.events.col.find({ workspaceId }).toArray()).map((d) => ({ ...d, id: d._id }));
  const checkpoints: (Checkpoint & { leaves: string[] })[] = [];
  for await (const doc of store.checkpoints.allForWorkspace(workspaceId)) {
    checkpoints.push({
      ...stripCheckpointDoc(doc),
      leaves: (await store.checkpoints.leafHashes(workspaceId, doc.number)) ?? [],
    });
  }
  const purges: PurgeRecord[] = (await store.purgeRecords.listForWorkspace(workspaceId)).map(stripPurgeRecordDoc);
  const keys = (await store.signingKeys.list()).map((k) => ({ keyId: k._id, publicKey: k.publicKey }));
  return { workspaceId, events, checkpoints, purges, keys };
}
