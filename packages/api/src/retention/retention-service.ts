import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { newId, nextDailyRun, retentionDays, workflowIds, type Plan } from '@audit/shared';
import type { RetentionRunDoc, WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';

export interface RetentionStatus {
  workspaceId: string;
  plan: Plan;
  retentionDays: number;
  oldestEventAt: string | null;
  lastPurgeAt: string | null;
  nextPurgeAt: string;
}

export async function retentionStatus(deps: ApiDeps, ws: WorkspaceDoc): Promise<RetentionStatus> {
  const [oldest, last] = await Promise.all([
    deps.store.events.oldestForWorkspace(ws._id),
    deps.store.retentionRuns.lastCompleted(),
  ]);
  return {
    workspaceId: ws._id,
    plan: ws.plan,
    retentionDays: retentionDays(ws.plan),
    oldestEventAt: oldest?.recordedAt.toISOString() ?? null,
    lastPurgeAt: last?.finishedAt?.toISOString() ?? null,
    nextPurgeAt: nextDailyRun(deps.clock()).toISOString(),
  };
}

/**
 * Starts a purge now under the one purge workflow id, so it can never overlap another purge.
 * `asOf` in the future would delete events that have not expired yet, so it is refused.
 */
export async function startRetentionRun(
  deps: ApiDeps,
  asOfInput?: string,
): Promise<{ id: string; workflowId: string; asOf: string }> {
  const now = deps.clock();
  const asOf = asOfInput ? new Date(asOfInput) : now;
  if (asOf.getTime() > now.getTime() + 1_000)
    throw badRequest(
      `asOf: must not be later than now (${now.toISOString()}); a later instant would purge events that have not expired`,
    );
  if (!deps.temporal) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Temporal is not configured' });
  const id = newId('retentionRun');
  const workflowId = workflowIds.retentionLock(deps.config.TEMPORAL_TASK_QUEUE);
  try {
    await deps.temporal.workflow.start('retentionPurge', {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [{ runId: id, asOf: asOf.toISOString(), trigger: 'manual' }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { runId: id },
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await deps.store.retentionRuns.running();
      throw new TRPCError({
        code: 'CONFLICT',
        message: `a purge is already running${running ? ` (run ${running._id})` : ''}; try again when it ends`,
      });
    }
    throw err;
  }
  return { id, workflowId, asOf: asOf.toISOString() };
}

export interface RetentionRunView {
  id: string;
  state: 'pending' | RetentionRunDoc['status'];
  trigger: RetentionRunDoc['trigger'] | null;
  asOf: string | null;
  cutoffs: Record<string, string>;
  startedAt: string | null;
  finishedAt: string | null;
  totalDeleted: number;
  deletedByWorkspace: Record<string, number>;
  error: string | null;
}

export async function getRetentionRun(deps: ApiDeps, id: string): Promise<RetentionRunView> {
  const doc = await deps.store.retentionRuns.findById(id);
  if (!doc) {
    // Started, but the workflow has not opened its report yet: the run id is in its memo.
    const desc = await deps.temporal?.workflow
      .getHandle(workflowIds.retentionLock(deps.config.TEMPORAL_TASK_QUEUE))
      .describe()
      .catch(() => null);
    if (desc?.status.name === 'RUNNING' && desc.memo?.['runId'] === id) return pending(id);
    throw notFound('retention run', id);
  }
  return {
    id: doc._id,
    state: doc.status,
    trigger: doc.trigger,
    asOf: doc.asOf.toISOString(),
    cutoffs: doc.cutoffs,
    startedAt: doc.startedAt.toISOString(),
    finishedAt: doc.finishedAt?.toISOString() ?? null,
    totalDeleted: doc.totalDeleted,
    deletedByWorkspace: doc.deletedByWorkspace,
    error: doc.error,
  };
}

function pending(id: string): RetentionRunView {
  return {
    id,
    state: 'pending',
    trigger: null,
    asOf: null,
    cutoffs: {},
    startedAt: null,
    finishedAt: null,
    totalDeleted: 0,
    deletedByWorkspace: {},
    error: null,
  };
}
