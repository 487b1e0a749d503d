import { Context } from '@temporalio/activity';
import { classifyStatus, newId } from '@audit/shared';
import type { Store } from '@audit/store';
import type { DeliveryObserver, LogSink } from '../observer.ts';
import type { HealthDeps } from './destination-health.ts';
import type { DeliverySettings } from './delivery-settings.ts';
import { attemptBatch, post, type AttemptDeps } from './send-batch.ts';
import { readSeqs } from './stream-reader.ts';
import { streamStep, toAttributes } from './stream-step.ts';
import type { StepResult, StreamInput, TestDeliveryResult } from './stream-types.ts';
import type { StreamWaker } from './stream-waker.ts';
import { testEvent } from './test-event.ts';

export interface StreamActivityDeps {
  store: Store;
  clock: () => Date;
  waker: StreamWaker;
  settings: DeliverySettings;
  observer: DeliveryObserver;
  log: LogSink;
}

const HEARTBEAT_EVERY_MS = 5_000;

export function createStreamActivities(deps: StreamActivityDeps) {
  const health: HealthDeps = { store: deps.store, clock: deps.clock, waker: deps.waker };
  const attemptDeps: AttemptDeps = {
    store: deps.store,
    clock: deps.clock,
    settings: deps.settings,
    health,
    observer: deps.observer,
    log: deps.log,
  };

  return {
    /** One step of a stream; see stream-step.ts. */
    async streamStep(input: StreamInput & { force?: boolean }): Promise<StepResult> {
      return withHeartbeat(() => streamStep(attemptDeps, input));
    },

    /** One attempt of a finished batch sent again by hand; the wait before the next, or null when done. */
    async redeliverStep(input: {
      workspaceId: string;
      deliveryId: string;
      index: number;
    }): Promise<{ status: string; nextDelayMs: number | null }> {
      return withHeartbeat(async () => {
        const now = deps.clock();
        if (input.index === 0) await deps.store.deliveries.reopen(input.workspaceId, input.deliveryId, now);
        const delivery = await deps.store.deliveries.findForWorkspace(input.workspaceId, input.deliveryId);
        if (!delivery || delivery.status !== 'pending') return { status: 'skipped', nextDelayMs: null };
        const hook = await deps.store.webhooks.findForWorkspace(input.workspaceId, delivery.webhookId);
        const stop = async (why: string) => {
          await deps.store.deliveries.giveUp(delivery, why, now);
          return { status: 'failed', nextDelayMs: null };
        };
        if (!hook) return stop('destination deleted');
        if (!hook.enabled) return stop(`destination disabled (${hook.disabledReason ?? 'manual'})`);
        const events = await readSeqs(deps.store.streamLog, input.workspaceId, delivery.fromClaim, delivery.seqs, now);
        if (events.length === 0) return stop('the events are no longer stored');
        const outcome = await attemptBatch(
          attemptDeps,
          hook,
          delivery,
          toAttributes(events, deps.settings.publicBaseUrl),
          'manual',
          input.index,
        );
        return { status: outcome.status, nextDelayMs: outcome.nextDelayMs };
      });
    },

    /** `webhooks.test`: a one-event batch of its own type, in the destination's format; neither stored nor retried. */
    async sendTestDelivery(input: { workspaceId: string; webhookId: string }): Promise<TestDeliveryResult> {
      const hook = await deps.store.webhooks.findForWorkspace(input.workspaceId, input.webhookId);
      if (!hook)
        return { ok: false, responseStatus: null, durationMs: 0, error: 'destination deleted', responseBody: null };
      const ws = await deps.store.workspaces.findById(input.workspaceId);
      const now = deps.clock();
      const { result } = await post(
        hook,
        newId('delivery', now.getTime()),
        [testEvent(input.workspaceId, ws?.organizationId ?? '', deps.settings.publicBaseUrl, now)],
        deps.settings,
        now,
      );
      if (result.kind === 'error')
        return {
          ok: false,
          responseStatus: null,
          durationMs: result.durationMs,
          error: result.error,
          responseBody: null,
        };
      const ok = classifyStatus(result.status) === 'success';
      return {
        ok,
        responseStatus: result.status,
        durationMs: result.durationMs,
        error: ok ? null : `HTTP ${result.status}`,
        responseBody: result.body,
      };
    },
  };
}

/** A destination's live stream document, positioned at the end of its workspace's log. */
export async function newLiveStream(
  store: Store,
  hook: { _id: string; workspaceId: string },
  now: Date,
  next?: { claim: number; seq: number },
) {
  return {
    _id: hook._id,
    kind: 'live' as const,
    workspaceId: hook.workspaceId,
    webhookId: hook._id,
    next: next ?? (await store.streamLog.cursorAtEnd(hook.workspaceId)),
    open: null,
    deliveredThrough: null,
    lastDelivery: null,
    untilSeq: null,
    status: 'running' as const,
    idleSince: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Heartbeats on a timer while `fn` runs: one POST may take its whole timeout. */
async function withHeartbeat<T>(fn: () => Promise<T>): Promise<T> {
  let ctx: Context | null = null;
  try {
    ctx = Context.current();
  } catch {
    return fn();
  }
  const beat = setInterval(() => ctx!.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await fn();
  } finally {
    clearInterval(beat);
  }
}

export type StreamActivities = ReturnType<typeof createStreamActivities>;
