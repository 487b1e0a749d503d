import type { WorkflowClient } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { hasEntitlement, type Plan } from '@audit/shared/plans';
import { matchesCategories } from '@audit/shared/webhook-schema';
import { SEARCH_ATTRIBUTES, workflowIds } from '@audit/shared/temporal-names';
import type { OutboxDoc, Store } from '@audit/store';
import type { DeliverInput } from './delivery-types.ts';

export interface DispatcherDeps {
  store: Store;
  /** Null when Temporal is not configured: rows wait for the reconciler. */
  client: WorkflowClient | null;
  taskQueue: string;
  clock: () => Date;
  log?: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** Bound on one start call, so a hung Temporal cannot hold a record call. */
  startTimeoutMs?: number;
  /** After a failed start, record calls skip Temporal this long and leave rows to the reconciler. */
  pauseAfterFailureMs?: number;
}

export interface DispatchPlan {
  workspaceId: string;
  rows: OutboxDoc[];
}

export interface ReconcileResult {
  dispatched: number;
  failed: number;
  dropped: number;
}

const KEYS = {
  eventId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.eventId, SearchAttributeType.KEYWORD),
  workspaceId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.workspaceId, SearchAttributeType.KEYWORD),
  webhookId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.webhookId, SearchAttributeType.KEYWORD),
};

const PARALLEL_STARTS = 16;
/** An outbox row whose event never got stored (the insert failed after the row was written). */
const ORPHAN_AFTER_MS = 5 * 60_000;

/**
 * Turns recorded events into delivery workflows: `prepare` writes outbox rows before the events
 * are inserted, `dispatch` starts one workflow per (event, destination) and removes the rows, and
 * `reconcile` does the same for rows left behind. Workflow ids are deterministic and a second
 * start is a no-op, so any step may run twice.
 */
export class Dispatcher {
  private pausedUntil = 0;
  constructor(private readonly deps: DispatcherDeps) {}

  /** Streaming is an Enterprise entitlement: a downgraded workspace's destinations stay quiet. */
  async prepare(workspace: { _id: string; plan: Plan }, events: { _id: string; category: string }[]): Promise<DispatchPlan> {
    const workspaceId = workspace._id;
    if (!hasEntitlement(workspace.plan, 'webhooks')) return { workspaceId, rows: [] };
    const hooks = await this.deps.store.webhooks.listEnabledForWorkspace(workspaceId);
    if (hooks.length === 0) return { workspaceId, rows: [] };
    const createdAt = this.deps.clock();
    const rows = events
      .map((e) => ({ _id: e._id, workspaceId, category: e.category, webhookIds: hooks.filter((h) => matchesCategories(h.categories, e.category)).map((h) => h._id), createdAt }))
      .filter((r) => r.webhookIds.length > 0);
    await this.deps.store.dispatchOutbox.add(rows);
    return { workspaceId, rows };
  }

  /** Never throws: the events are stored, and whatever is not started stays in the outbox. */
  async dispatch(plan: DispatchPlan, storedIds: Set<string>): Promise<{ started: number; pending: number }> {
    if (plan.rows.length === 0) return { started: 0, pending: 0 };
    try {
      const unused = plan.rows.filter((r) => !storedIds.has(r._id)).map((r) => r._id);
      await this.deps.store.dispatchOutbox.remove(plan.workspaceId, unused);
      const rows = plan.rows.filter((r) => storedIds.has(r._id));
      if (Date.now() < this.pausedUntil) return { started: 0, pending: rows.length };
      const done = await this.startRows(rows);
      if (done.length < rows.length) this.pausedUntil = Date.now() + (this.deps.pauseAfterFailureMs ?? 5_000);
      return { started: done.length, pending: rows.length - done.length };
    } catch (err) {
      this.deps.log?.warn('dispatch deferred to the reconciler', { workspaceId: plan.workspaceId, error: String(err) });
      return { started: 0, pending: plan.rows.length };
    }
  }

  async reconcile(opts: { minAgeMs: number; limit: number }): Promise<ReconcileResult> {
    const now = this.deps.clock();
    const rows = await this.deps.store.dispatchOutbox.listOlderThan(new Date(now.getTime() - opts.minAgeMs), opts.limit);
    const result: ReconcileResult = { dispatched: 0, failed: 0, dropped: 0 };
    const live: OutboxDoc[] = [];
    for (const row of rows) {
      const event = await this.deps.store.events.findForWorkspace(row.workspaceId, row._id);
      if (event) live.push(row);
      else if (now.getTime() - row.createdAt.getTime() > ORPHAN_AFTER_MS) {
        await this.deps.store.dispatchOutbox.remove(row.workspaceId, [row._id]);
        result.dropped++;
      }
    }
    const done = await this.startRows(live);
    result.dispatched = done.length;
    result.failed = live.length - done.length;
    return result;
  }

  /** Starts every row's workflows, removes the rows that are fully started, and returns them. */
  private async startRows(rows: OutboxDoc[]): Promise<OutboxDoc[]> {
    const done: OutboxDoc[] = [];
    let failing = false;
    for (let i = 0; i < rows.length && !failing; i += PARALLEL_STARTS) {
      const slice = rows.slice(i, i + PARALLEL_STARTS);
      const outcomes = await Promise.all(slice.map((row) => this.startRow(row).then(() => true, (err: unknown) => this.noteFailure(row, err))));
      slice.forEach((row, j) => (outcomes[j] ? done.push(row) : (failing = true)));
    }
    const byWorkspace = new Map<string, string[]>();
    for (const r of done) byWorkspace.set(r.workspaceId, [...(byWorkspace.get(r.workspaceId) ?? []), r._id]);
    for (const [ws, ids] of byWorkspace) await this.deps.store.dispatchOutbox.remove(ws, ids);
    return done;
  }

  private noteFailure(row: OutboxDoc, err: unknown): false {
    this.deps.log?.warn('could not start delivery workflows; the reconciler will retry', { eventId: row._id, error: err instanceof Error ? err.message : String(err) });
    return false;
  }

  private async startRow(row: OutboxDoc): Promise<void> {
    const client = this.deps.client;
    if (!client) throw new Error('Temporal is not configured');
    for (const webhookId of row.webhookIds) {
      const input: DeliverInput = { workspaceId: row.workspaceId, eventId: row._id, webhookId, trigger: 'scheduled' };
      const deadline = Date.now() + (this.deps.startTimeoutMs ?? 3_000);
      try {
        await client.connection.withDeadline(deadline, () =>
          client.start('deliverEvent', {
            workflowId: workflowIds.delivery(row._id, webhookId),
            taskQueue: this.deps.taskQueue,
            args: [input],
            // Running: join it. Finished: refuse, so a late repeat never delivers twice.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: deliverySearchAttributes(input),
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
  }
}

/** So the Temporal UI finds a delivery by event, workspace or destination. */
export function deliverySearchAttributes(input: Omit<DeliverInput, 'trigger'>) {
  return [
    { key: KEYS.eventId, value: input.eventId },
    { key: KEYS.workspaceId, value: input.workspaceId },
    { key: KEYS.webhookId, value: input.webhookId },
  ];
}
