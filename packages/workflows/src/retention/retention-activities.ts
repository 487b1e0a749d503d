import { Context } from '@temporalio/activity';
import { cutoffsByPlan, retentionCutoff } from '@audit/shared';
import { RETENTION_REPORT_DAYS, type Store } from '@audit/store';
import type { SigningKey } from '@audit/shared/integrity/signing';
import type { LogSink, RetentionObserver } from '../observer.ts';
import { recordPurge } from './purge-record.ts';

/** Well inside the workflow's one-minute heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 10_000;

export interface RetentionPacing {
  /** Events deleted per statement: small enough to keep each delete short. */
  batchSize: number;
  /** Pause between batches, so the purge leaves room for the API's reads. */
  pauseMs: number;
  /** Batches per activity call; the workflow loops, so a crash loses at most one slice. */
  batchesPerSlice: number;
}

/** Measured: with these, the API's list p99 during a purge stayed under twice its idle value. */
export const DEFAULT_PACING: RetentionPacing = { batchSize: 500, pauseMs: 250, batchesPerSlice: 50 };

export interface RetentionDeps {
  /** Signs the purge records (one per deleted batch) that tell purged events from missing ones. */
  key: SigningKey;
  store: Store;
  clock: () => Date;
  pacing: RetentionPacing;
  observer: RetentionObserver;
  log: LogSink;
}

export interface OpenRunInput {
  runId: string;
  workflowId: string;
  trigger: 'schedule' | 'manual';
  asOf: string;
}

const DAY_MS = 86_400_000;

export function createRetentionActivities(deps: RetentionDeps) {
  const { store } = deps;
  return {
    async openRetentionRun(input: OpenRunInput): Promise<void> {
      const asOf = new Date(input.asOf);
      await store.retentionRuns.open({
        _id: input.runId,
        workflowId: input.workflowId,
        trigger: input.trigger,
        asOf,
        cutoffs: cutoffsByPlan(asOf),
        status: 'running',
        startedAt: deps.clock(),
        finishedAt: null,
        totalDeleted: 0,
        deletedByWorkspace: {},
        error: null,
      });
    },

    /** Workspace ids in id order after `afterId`: the workflow's resumable position. */
    async listWorkspaceIds(input: { afterId: string | null; limit: number }): Promise<string[]> {
      const page = await store.workspaces.pageByPlan(['enterprise', 'team', 'free'], input.afterId, input.limit);
      return page.map((w) => w._id);
    },

    /**
     * Deletes one slice of a workspace's expired events. The cut-off comes from the workspace's
     * plan as it is now, so a downgrade counts from the next purge on. Deleting is by
     * `recordedAt < cutoff`, so a retried slice cannot remove anything it should not.
     */
    async purgeWorkspaceSlice(input: { runId: string; workspaceId: string; asOf: string }): Promise<{ deleted: number; done: boolean }> {
      const ws = await store.workspaces.findById(input.workspaceId);
      if (!ws) return { deleted: 0, done: true };
      const cutoff = retentionCutoff(ws.plan, new Date(input.asOf));
      const { batchSize, pauseMs, batchesPerSlice } = deps.pacing;
      let deleted = 0;
      // A single query can outlast the heartbeat timeout: FerretDB scans the whole collection to
      // learn that a workspace has nothing expired, over ten minutes at a million events, and the
      // retried slice then scanned again, for ever. So the slice heartbeats on a timer while it
      // runs; a worker that dies still falls silent within the timeout.
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat({ workspaceId: ws._id, deleted }), HEARTBEAT_EVERY_MS);
      try {
        for (let i = 0; i < batchesPerSlice; i++) {
          const ids = await store.events.deleteExpiredBatch(ws._id, cutoff, batchSize, (picked) => recordPurge(deps, { runId: input.runId, workspaceId: ws._id, cutoff, seqs: picked.map((p) => p.seq) }));
          // The stream log and the delivery records follow by their own timestamps, in bounded
          // batches deleted by `_id`, with no look-up of which events went.
          const dependents = (await store.streamLog.deleteExpired(ws._id, cutoff, batchSize)) + (await store.deliveries.deleteExpired(ws._id, cutoff, batchSize));
          deleted += ids.deleted;
          await store.retentionRuns.addDeleted(input.runId, ws._id, ids.deleted);
          deps.observer.purged(ids.deleted);
          ctx.heartbeat({ workspaceId: ws._id, deleted });
          if (ids.ids.length < batchSize && dependents === 0) return { deleted, done: true };
          if (pauseMs > 0) await sleepUnlessCancelled(pauseMs);
        }
        return { deleted, done: false };
      } finally {
        clearInterval(beat);
      }
    },

    async closeRetentionRun(input: { runId: string; error?: string }): Promise<void> {
      const now = deps.clock();
      const status = input.error ? 'failed' : 'completed';
      await store.retentionRuns.finish(input.runId, status, now, input.error ?? null);
      // Read back by `_id` for its start (a continued run began in an earlier workflow run).
      const run = await store.retentionRuns.findById(input.runId);
      const durationMs = run ? now.getTime() - run.startedAt.getTime() : null;
      deps.observer.runFinished({ status, durationMs });
      const fields = { runId: input.runId, status, durationMs, deleted: run?.totalDeleted ?? null, error: input.error ?? null };
      if (input.error) deps.log.error(fields, 'retention run failed');
      else deps.log.info(fields, 'retention run finished');
      await store.retentionRuns.deleteReportsBefore(new Date(now.getTime() - RETENTION_REPORT_DAYS * DAY_MS));
    },
  };
}

function sleepUnlessCancelled(ms: number): Promise<void> {
  const ctx = Context.current();
  return ctx.sleep(ms);
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
