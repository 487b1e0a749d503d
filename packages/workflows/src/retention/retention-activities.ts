import { Context } from '@temporalio/activity';
import { cutoffsByPlan } from '@audit/shared';
import { RETENTION_REPORT_DAYS, type Store } from '@audit/store';
import type { SigningKey } from '@audit/shared/integrity/signing';
import type { LogSink, RetentionObserver } from '../observer.ts';
import { purgePage, type PageInput, type PageResult } from './purge-page.ts';
import type { RetentionPacing } from './purge-workspace.ts';

export type { PageInput, PageResult } from './purge-page.ts';
export type { RetentionPacing } from './purge-workspace.ts';

/** Well inside the workflow's one-minute heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 10_000;

/** The worker's settings when its configuration names none (RETENTION_BATCH_SIZE, RETENTION_BATCH_PAUSE_MS). */
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

    /**
     * One page of the purge's walk over workspaces (see purgePage). The position, the last
     * workspace finished, is heartbeated, so a retried call resumes there instead of walking the
     * page again.
     */
    async purgeWorkspacePage(input: PageInput): Promise<PageResult> {
      const ctx = Context.current();
      const afterId = resumeFrom(ctx.info.heartbeatDetails, input.afterId);
      const walk: PageResult = { afterId, checked: 0, done: false };
      // One probe can outlast the heartbeat timeout on a store that scans (a huge tenant on
      // FerretDB), so the call also heartbeats on a timer; a worker that dies still falls silent.
      const beat = () => ctx.heartbeat({ afterId: walk.afterId });
      const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
      try {
        return await purgePage(deps, input, walk, beat);
      } finally {
        clearInterval(timer);
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
      const fields = {
        runId: input.runId,
        status,
        durationMs,
        deleted: run?.totalDeleted ?? null,
        error: input.error ?? null,
      };
      if (input.error) deps.log.error(fields, 'retention run failed');
      else deps.log.info(fields, 'retention run finished');
      await store.retentionRuns.deleteReportsBefore(new Date(now.getTime() - RETENTION_REPORT_DAYS * DAY_MS));
    },
  };
}

/** The position a previous attempt of this call heartbeated, when it is further than the input's. */
function resumeFrom(details: unknown, afterId: string | null): string | null {
  const saved = (details as { afterId?: unknown } | undefined)?.afterId;
  return typeof saved === 'string' && (afterId === null || saved > afterId) ? saved : afterId;
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
