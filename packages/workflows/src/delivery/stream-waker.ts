import type { WorkflowClient } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { hasEntitlement, type Plan } from '@audit/shared/plans';
import { matchesCategories } from '@audit/shared/webhook-schema';
import { SEARCH_ATTRIBUTES, workflowIds } from '@audit/shared/temporal-names';
import type { Store } from '@audit/store';
import type { LogSink } from '../observer.ts';
import type { StreamInput } from './stream-types.ts';

export interface StreamWakerDeps {
  store: Store;
  /** Null when Temporal is not configured: the supervisor starts and wakes streams. */
  client: WorkflowClient | null;
  taskQueue: string;
  log?: Pick<LogSink, 'warn'>;
  /** At most one wake-up per destination per this window, from this process (one more trails it). */
  debounceMs?: number;
  /** Bound on one Temporal call. */
  callTimeoutMs?: number;
  /** After a failed call, wake-ups are left to the supervisor this long. */
  pauseAfterFailureMs?: number;
}

const KEYS = {
  workspaceId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.workspaceId, SearchAttributeType.KEYWORD),
  webhookId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.webhookId, SearchAttributeType.KEYWORD),
};

/** So the Temporal UI finds a destination's stream by workspace or destination. */
export function streamSearchAttributes(input: { workspaceId: string; webhookId: string }) {
  return [
    { key: KEYS.workspaceId, value: input.workspaceId },
    { key: KEYS.webhookId, value: input.webhookId },
  ];
}

/**
 * Tells idle streams that their workspace has new events. Recording never waits for it and
 * makes no Temporal call per event: per destination, one signal at the first event and at most
 * one more at the end of each debounce window. The signal starts the stream if it is missing.
 * A lost wake-up costs latency, never an event: the events are in the stream log, and the
 * supervisor wakes any stream that is behind.
 */
export class StreamWaker {
  private readonly lastSent = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  private pausedUntil = 0;
  constructor(private readonly deps: StreamWakerDeps) {}

  /**
   * Fire and forget: the record call has already stored its events. The workspace document the
   * caller loaded says whether it has an enabled destination, so a workspace without one costs no
   * query, and one with them an index look-up. A destination enabled after that document was read
   * is woken by its own change and, should that wake-up be lost, by the supervisor.
   */
  notify(workspace: { _id: string; plan: Plan; hasEnabledWebhooks?: boolean | undefined }, categories: string[]): void {
    if (!this.deps.client || !hasEntitlement(workspace.plan, 'webhooks') || categories.length === 0) return;
    if (workspace.hasEnabledWebhooks === false) return;
    this.deps.store.webhooks.listEnabledForWorkspace(workspace._id).then(
      (hooks) => {
        // A workspace older than the flag learns it here, once.
        if (workspace.hasEnabledWebhooks === undefined) {
          this.deps.store.workspaces.learnHasEnabledWebhooks(workspace._id, hooks.length > 0).catch(() => undefined);
        }
        for (const h of hooks)
          if (categories.some((c) => matchesCategories(h.categories, c)))
            this.throttled({ workspaceId: h.workspaceId, webhookId: h._id });
      },
      (err: unknown) =>
        this.deps.log?.warn({ workspaceId: workspace._id, error: String(err) }, 'could not list destinations to wake'),
    );
  }

  /** Starts the stream if it is not running, and wakes it when `wake` (or it was not running). */
  async ensure(
    input: { workspaceId: string; webhookId: string },
    signal: 'wake' | 'retryNow' | null = 'wake',
  ): Promise<void> {
    const client = this.deps.client;
    if (!client) throw new Error('Temporal is not configured');
    const options = {
      workflowId: workflowIds.stream(input.webhookId),
      taskQueue: this.deps.taskQueue,
      args: [
        { workspaceId: input.workspaceId, webhookId: input.webhookId, streamId: input.webhookId } satisfies StreamInput,
      ] as [StreamInput],
      typedSearchAttributes: streamSearchAttributes(input),
    };
    // Bounded: a hung or closing Temporal must not hold a wake-up in the client's retries (a
    // retry that outlives its connection throws from a timer).
    const deadline = Date.now() + (this.deps.callTimeoutMs ?? 3_000);
    await client.connection.withDeadline(deadline, async () => {
      if (signal) await client.signalWithStart('destinationStream', { ...options, signal, signalArgs: [] });
      else await client.start('destinationStream', { ...options, workflowIdConflictPolicy: 'USE_EXISTING' });
    });
  }

  private throttled(input: { workspaceId: string; webhookId: string }): void {
    const now = Date.now();
    if (now < this.pausedUntil) return;
    const window = this.deps.debounceMs ?? 250;
    const last = this.lastSent.get(input.webhookId) ?? 0;
    if (now - last >= window) {
      this.lastSent.set(input.webhookId, now);
      this.send(input);
    } else if (!this.trailing.has(input.webhookId)) {
      const timer = setTimeout(
        () => {
          this.trailing.delete(input.webhookId);
          this.lastSent.set(input.webhookId, Date.now());
          this.send(input);
        },
        last + window - now,
      );
      timer.unref();
      this.trailing.set(input.webhookId, timer);
    }
  }

  private send(input: { workspaceId: string; webhookId: string }): void {
    this.ensure(input).catch((err: unknown) => {
      this.pausedUntil = Date.now() + (this.deps.pauseAfterFailureMs ?? 5_000);
      this.deps.log?.warn(
        { webhookId: input.webhookId, error: err instanceof Error ? err.message : String(err) },
        'could not wake a destination stream; the supervisor will',
      );
    });
  }
}
