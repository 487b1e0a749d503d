import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  executeChild,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { newIdWith } from '@audit/shared/ids';
import { workflowIds } from '@audit/shared/temporal-names';
import type { RetentionActivities } from './retention-activities.ts';

const acts = proxyActivities<RetentionActivities>({
  // Heartbeats tell a dead worker within a minute; the hour only bounds a query that never returns.
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 20 },
});

export interface RetentionPurgeInput {
  runId: string;
  /** ISO instant: an event is expired when recorded before asOf minus its plan's retention. */
  asOf: string;
  trigger: 'schedule' | 'manual';
  /** Where a continued run resumes: the last workspace fully purged. */
  afterWorkspaceId?: string | null;
  /** History length after which the run continues as new (tests lower it). */
  maxHistory?: number;
  /** Workspaces per activity call of the walk (tests lower it). */
  workspacePage?: number;
}

/**
 * One activity call checks a page of workspaces with index probes, so a daily pass over 10,000
 * workspaces with nothing expired is ten calls, not ten thousand.
 */
const WORKSPACE_PAGE = 1_000;
const MAX_HISTORY = 5_000;

/**
 * One purge of every workspace. Always runs under the single workflow id `retention:purge:<task queue>`, so
 * two purges never overlap; long runs continue as new with their position.
 */
export async function retentionPurge(input: RetentionPurgeInput): Promise<{ runId: string }> {
  if (input.afterWorkspaceId === undefined) {
    await acts.openRetentionRun({
      runId: input.runId,
      workflowId: workflowInfo().workflowId,
      trigger: input.trigger,
      asOf: input.asOf,
    });
  }
  let after = input.afterWorkspaceId ?? null;
  try {
    for (;;) {
      const limit = input.workspacePage ?? WORKSPACE_PAGE;
      const page = await acts.purgeWorkspacePage({ runId: input.runId, asOf: input.asOf, afterId: after, limit });
      after = page.afterId;
      if (page.done) break;
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > (input.maxHistory ?? MAX_HISTORY)) {
        await continueAsNew<typeof retentionPurge>({ ...input, afterWorkspaceId: after });
      }
    }
  } catch (err) {
    // Continuing as new is how a long run goes on, not a failure.
    if (err instanceof ContinueAsNew) throw err;
    await acts.closeRetentionRun({ runId: input.runId, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  await acts.closeRetentionRun({ runId: input.runId });
  return { runId: input.runId };
}

/**
 * What the daily Schedule starts: purges as of the scheduled time (not the start time, which a
 * catch-up after an outage delays) through the same single-id purge as manual runs.
 */
export async function scheduledRetentionPurge(): Promise<{ runId: string | null }> {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.['TemporalScheduledStartTime']?.[0];
  const asOf =
    scheduled instanceof Date ? scheduled : scheduled ? new Date(String(scheduled)) : new Date(info.runStartTime);
  const runId = newIdWith('retentionRun', Date.now(), Math.random);
  try {
    await executeChild(retentionPurge, {
      workflowId: workflowIds.retentionLock(info.taskQueue),
      args: [{ runId, asOf: asOf.toISOString(), trigger: 'schedule' }],
      parentClosePolicy: 'ABANDON',
    });
    return { runId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { runId: null };
    throw err instanceof Error ? err : ApplicationFailure.nonRetryable(String(err));
  }
}
