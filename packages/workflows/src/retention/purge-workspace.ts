import { Context } from '@temporalio/activity';
import type { SigningKey } from '@audit/shared/integrity/signing';
import type { Store } from '@audit/store';
import type { RetentionObserver } from '../observer.ts';
import { recordPurge } from './purge-record.ts';

export interface RetentionPacing {
  /** Events deleted per statement: small enough to keep each delete short. */
  batchSize: number;
  /**
   * Pause after a full batch, so the purge leaves room for the API's reads; a partial batch
   * pauses in proportion, so a pass over many workspaces with a few expired events each is not
   * a pass of pauses.
   */
  pauseMs: number;
  /** Delete batches per activity call; the workflow loops, so a crash loses at most one call's work. */
  batchesPerSlice: number;
}

export interface PurgeDeps {
  store: Store;
  key: SigningKey;
  clock: () => Date;
  pacing: RetentionPacing;
  observer: RetentionObserver;
}

export interface PurgeTarget {
  runId: string;
  workspaceId: string;
  cutoff: Date;
}

/** Delete batches an activity call may still run; shared by the workspaces it purges. */
export interface SliceBudget {
  batches: number;
}

/** Which parts of a workspace hold something past its cut-off. */
export interface Expired {
  events: boolean;
  /** Stream claims or delivery records: they follow their events by their own timestamps. */
  dependents: boolean;
}

/**
 * Deletes what the probe found expired, events first, then claims and delivery records, in
 * bounded batches. True when nothing expired is left; false when the budget ran out first (the
 * next call probes again and finds the rest: every delete is by `timestamp < cutoff`, so
 * repeating one is safe, and every call spends its batches on deletes, so the walk moves on).
 */
export async function purgeWorkspace(
  deps: PurgeDeps,
  target: PurgeTarget,
  expired: Expired,
  budget: SliceBudget,
  beat: () => void,
): Promise<boolean> {
  if (expired.events && !(await purgeEvents(deps, target, budget, beat))) return false;
  return !expired.dependents || (await purgeDependents(deps, target, budget, beat));
}

async function purgeEvents(deps: PurgeDeps, t: PurgeTarget, budget: SliceBudget, beat: () => void): Promise<boolean> {
  const { batchSize } = deps.pacing;
  const { runId, workspaceId, cutoff } = t;
  const record = (picked: { seq: number }[]) => {
    return recordPurge(deps, { runId, workspaceId, cutoff, seqs: picked.map((p) => p.seq) });
  };
  while (budget.batches > 0) {
    budget.batches--;
    const res = await deps.store.events.deleteExpiredBatch(workspaceId, cutoff, batchSize, record);
    await deps.store.retentionRuns.addDeleted(runId, workspaceId, res.deleted);
    deps.observer.purged(res.deleted);
    beat();
    if (res.ids.length < batchSize) return true;
    await pauseAfter(deps.pacing, res.ids.length);
  }
  return false;
}

/** Claims and delivery records follow in batches deleted by `_id`, with no look-up of which events went. */
async function purgeDependents(
  deps: PurgeDeps,
  t: PurgeTarget,
  budget: SliceBudget,
  beat: () => void,
): Promise<boolean> {
  const { batchSize } = deps.pacing;
  while (budget.batches > 0) {
    budget.batches--;
    const claims = await deps.store.streamLog.deleteExpired(t.workspaceId, t.cutoff, batchSize);
    const deliveries = await deps.store.deliveries.deleteExpired(t.workspaceId, t.cutoff, batchSize);
    beat();
    // `deliveries` counts deliveries and attempts together: below one batch, neither was full.
    if (claims < batchSize && deliveries < batchSize) return true;
    await pauseAfter(deps.pacing, Math.max(claims, deliveries));
  }
  return false;
}

function pauseAfter(pacing: RetentionPacing, removed: number): Promise<void> {
  const ms = Math.round(pacing.pauseMs * Math.min(1, removed / pacing.batchSize));
  // The activity's own sleep: it ends early when the activity is cancelled.
  return ms > 0 ? Context.current().sleep(ms) : Promise.resolve();
}
