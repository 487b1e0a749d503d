import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { retentionCutoff, type Plan } from '@audit/shared';
import type { Store } from '@audit/store';

const PLANS: Plan[] = ['enterprise', 'team', 'free'];
export const PER_WORKSPACE_QUEUE = 'bench-purge-per-workspace';

/**
 * The purge's activities before page calls, for the daily-pass baseline: each slice call reads its
 * workspace and looks for expired events, claims and delivery records with the same store
 * methods the purge used, whether or not anything is expired.
 */
export function perWorkspaceActivities(store: Store, batchSize: number) {
  return {
    async listWorkspaceIds(input: { afterId: string | null; limit: number }): Promise<string[]> {
      return (await store.workspaces.pageByPlan(PLANS, input.afterId, input.limit)).map((w) => w._id);
    },

    async purgeWorkspaceSlice(input: { runId: string; workspaceId: string; asOf: string }): Promise<{ done: boolean }> {
      const ws = await store.workspaces.findById(input.workspaceId);
      if (!ws) return { done: true };
      const cutoff = retentionCutoff(ws.plan, new Date(input.asOf));
      const picked = await store.events.deleteExpiredBatch(ws._id, cutoff, batchSize, async () => {
        // The baseline runs over fresh workspaces only: a match would need a signed purge record.
        throw new Error(`the per-workspace baseline found expired events in ${ws._id}`);
      });
      const claims = await store.streamLog.deleteExpired(ws._id, cutoff, batchSize);
      const dependents = claims + (await store.deliveries.deleteExpired(ws._id, cutoff, batchSize));
      Context.current().heartbeat({ workspaceId: ws._id });
      return { done: picked.ids.length < batchSize && dependents === 0 };
    },
  };
}

export type PerWorkspaceActivities = ReturnType<typeof perWorkspaceActivities>;

/** An in-process worker for the baseline workflow on its own task queue. */
export function perWorkspaceWorker(connection: NativeConnection, store: Store, batchSize: number): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue: PER_WORKSPACE_QUEUE,
    workflowsPath: fileURLToPath(new URL('./purge-per-workspace-workflow.ts', import.meta.url)),
    activities: perWorkspaceActivities(store, batchSize),
  });
}
