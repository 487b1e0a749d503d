import { Context } from '@temporalio/activity';
import {
  effectiveBatchSize,
  hasEntitlement,
  newId,
  toCloudEventAttributes,
  type AuditCloudEventAttributes,
} from '@audit/shared';
import type { DeliveryDoc, EventDoc, OpenBatch, StreamDoc, WebhookDoc } from '@audit/store';
import { formatSpec } from './formats/index.ts';
import { attemptBatch, type AttemptDeps, type AttemptOutcome } from './send-batch.ts';
import { readBatch, readSeqs, type BatchBounds } from './stream-reader.ts';
import type { StepResult, StreamInput } from './stream-types.ts';

/** A replay, a writer finishing its claim: how soon to look again. */
const BLOCKED_RECHECK_MS = 250;

export function toAttributes(events: EventDoc[], publicBaseUrl: string): AuditCloudEventAttributes[] {
  return events.map((e) => toCloudEventAttributes({ ...e, id: e._id }, publicBaseUrl));
}

export function boundsFor(hook: WebhookDoc, publicBaseUrl: string): BatchBounds {
  const spec = formatSpec(hook.format);
  const ctx = { publicBaseUrl };
  return {
    maxEvents: Math.min(spec.maxEvents, effectiveBatchSize(hook.format, hook.batchSize)),
    maxBodyBytes: spec.maxBodyBytes,
    entryBytes: (e) => spec.entryBytes(toCloudEventAttributes({ ...e, id: e._id }, publicBaseUrl), ctx),
    bodyBytes: (sizes) => spec.bodyBytes(sizes),
  };
}

/**
 * One step of a destination's stream (or a replay): the open batch's next attempt when it has
 * one, else the next batch read after the stored position, opened (its composition and
 * `webhook-id` fixed) and sent. The position moves only once a batch succeeded or was given
 * up, so a crash anywhere in here repeats at most the same batch, with the same `webhook-id`.
 */
export async function streamStep(deps: AttemptDeps, input: StreamInput & { force?: boolean }): Promise<StepResult> {
  const { store, settings } = deps;
  const result = (
    r: Partial<StepResult> & Pick<StepResult, 'state' | 'next'>,
    stream?: StreamDoc | null,
  ): StepResult => ({ delayMs: 0, sent: 0, deliveryId: null, nextSeq: stream?.next.seq ?? 0, ...r });
  // Three `_id` reads at once: a step's fixed cost is what bounds a batch size of one.
  const [stream, hook, ws, head] = await Promise.all([
    store.streams.find(input.workspaceId, input.streamId),
    store.webhooks.findForWorkspace(input.workspaceId, input.webhookId),
    store.workspaces.findById(input.workspaceId),
    store.streamHeads.get(input.workspaceId),
  ]);
  const stopped = () => input.streamId === input.webhookId && deps.observer.streamStopped(input.webhookId);
  if (!stream || stream.webhookId !== input.webhookId) {
    stopped();
    return result({ state: 'deleted', next: 'stop' });
  }
  if (stream.status !== 'running') {
    stopped();
    return result({ state: 'completed', next: 'stop' }, stream);
  }
  if (!hook || !hook.enabled) {
    stopped();
    // A replay ends with its destination; the live stream keeps its position for a re-enable.
    if (stream.kind === 'replay') await store.streams.save(stream._id, { status: 'cancelled' }, deps.clock());
    return result({ state: hook ? 'disabled' : 'deleted', next: 'stop' }, stream);
  }
  // Not on a plan with streaming: the stream holds its position and resumes after an upgrade.
  if (!ws || !hasEntitlement(ws.plan, 'webhooks')) {
    stopped();
    return result({ state: 'paused', next: 'idle' }, stream);
  }
  heartbeat();
  const now = deps.clock();
  // Live streams only: a replay's position says nothing of how far behind the destination is.
  const lastSeq = head?.eventSeq ?? ws.eventSeq ?? 0;
  const position = (nextSeq: number, oldestPendingAt: Date | null | undefined) => {
    const backlogEvents = Math.max(0, lastSeq - nextSeq + 1);
    if (stream.kind === 'live')
      deps.observer.streamPosition({ webhookId: stream.webhookId, backlogEvents, oldestPendingAt });
  };

  if (stream.open) {
    const delivery =
      (await store.deliveries.findForWorkspace(input.workspaceId, stream.open.deliveryId)) ??
      (await store.deliveries.open(deliveryFor(stream, stream.open, now)));
    if (delivery.status !== 'pending') return finish(deps, stream, stream.open, delivery.status === 'succeeded', null);
    const wait = (delivery.nextAttemptAt?.getTime() ?? 0) - now.getTime();
    if (wait > 50 && !input.force) {
      position(stream.next.seq, undefined);
      return result({ state: 'retrying', next: 'retry', delayMs: wait, deliveryId: delivery._id }, stream);
    }
    const events = await readSeqs(store.streamLog, input.workspaceId, stream.open.fromClaim, stream.open.seqs, now);
    if (events.length === 0) {
      // Retention removed the batch's events while it waited: nothing is left to send.
      await store.deliveries.giveUp(delivery, 'the events are no longer stored', now);
      return finish(deps, stream, stream.open, false, null);
    }
    position(stream.next.seq, events[0]!.recordedAt);
    return send(deps, hook, stream, stream.open, delivery, events);
  }

  const read = () =>
    readBatch(store.streamLog, stream.next, {
      workspaceId: input.workspaceId,
      categories: hook.categories,
      bounds: boundsFor(hook, settings.publicBaseUrl),
      untilSeq: stream.untilSeq,
      now: deps.clock(),
    });
  let batch = await read();
  // A live batch that is not full lingers for more events here, in the activity: a round trip
  // through the workflow (timer, workflow task, new activity) would cost more than the wait.
  const lingerLeft = () => settings.lingerMs - (deps.clock().getTime() - batch.events[0]!.recordedAt.getTime());
  if (stream.kind === 'live' && batch.events.length > 0 && !batch.full && !batch.reachedEnd && lingerLeft() > 0) {
    await new Promise((r) => setTimeout(r, lingerLeft()));
    heartbeat();
    batch = await read();
  }
  const moved = batch.after.seq !== stream.next.seq || batch.after.claim !== stream.next.claim;
  if (batch.events.length === 0) {
    if (stream.kind === 'replay' && !batch.blocked) {
      await store.streams.save(stream._id, { next: batch.after, status: 'completed' }, now);
      return result({ state: 'completed', next: 'stop' }, stream);
    }
    if (moved || !stream.idleSince)
      await store.streams.save(stream._id, { next: batch.after, idleSince: stream.idleSince ?? now }, now);
    // Caught up with every event it matches (a blocked read learns nothing new).
    if (!batch.blocked) position(lastSeq + 1, null);
    return batch.blocked
      ? result({ state: 'running', next: 'wait', delayMs: BLOCKED_RECHECK_MS, nextSeq: batch.after.seq })
      : result({ state: 'running', next: 'idle', nextSeq: batch.after.seq });
  }
  const open: OpenBatch = {
    deliveryId: newId('delivery', now.getTime()),
    fromClaim: batch.fromClaim,
    seqs: batch.events.map((e) => e.seq),
    eventIds: batch.events.map((e) => e._id),
    after: batch.after,
    lastRecordedAt: batch.events.at(-1)!.recordedAt,
  };
  // The batch is fixed in the stream's own document before anything is sent, then its delivery
  // record (in that order: a crash between leaves a batch that the next step records again, never
  // a delivery record no stream will send).
  await store.streams.save(stream._id, { open, idleSince: null }, now);
  const delivery = await store.deliveries.open(deliveryFor(stream, open, now));
  position(stream.next.seq, batch.events[0]!.recordedAt);
  return send(deps, hook, stream, open, delivery, batch.events);
}

function deliveryFor(stream: StreamDoc, open: OpenBatch, now: Date): DeliveryDoc {
  return {
    _id: open.deliveryId,
    workspaceId: stream.workspaceId,
    webhookId: stream.webhookId,
    kind: stream.kind === 'replay' ? 'replay' : 'stream',
    streamId: stream._id,
    eventIds: open.eventIds,
    seqs: open.seqs,
    fromClaim: open.fromClaim,
    status: 'pending',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    lastAttemptAt: null,
    nextAttemptAt: now,
    lastResponseStatus: null,
    lastError: null,
  };
}

async function send(
  deps: AttemptDeps,
  hook: WebhookDoc,
  stream: StreamDoc,
  open: OpenBatch,
  delivery: DeliveryDoc,
  events: EventDoc[],
): Promise<StepResult> {
  heartbeat();
  const outcome = await attemptBatch(
    deps,
    hook,
    delivery,
    toAttributes(events, deps.settings.publicBaseUrl),
    'scheduled',
    delivery.attempts,
  );
  if (outcome.status === 'retrying') {
    await deps.store.streams.save(
      stream._id,
      { lastDelivery: { at: outcome.at, status: 'retrying', responseStatus: outcome.responseStatus } },
      deps.clock(),
    );
    return {
      state: 'retrying',
      next: 'retry',
      delayMs: outcome.nextDelayMs ?? 0,
      sent: 0,
      deliveryId: delivery._id,
      nextSeq: stream.next.seq,
    };
  }
  return finish(deps, stream, open, outcome.status === 'succeeded', outcome);
}

/** The batch is over (succeeded, or given up and recoverable): the position moves past it. */
async function finish(
  deps: AttemptDeps,
  stream: StreamDoc,
  open: OpenBatch,
  succeeded: boolean,
  outcome: AttemptOutcome | null,
): Promise<StepResult> {
  const now = deps.clock();
  await deps.store.streams.save(
    stream._id,
    {
      next: open.after,
      open: null,
      ...(succeeded ? { deliveredThrough: { seq: open.seqs.at(-1)!, recordedAt: open.lastRecordedAt } } : {}),
      ...(outcome
        ? {
            lastDelivery: {
              at: outcome.at,
              status: succeeded ? 'succeeded' : 'failed',
              responseStatus: outcome.responseStatus,
            },
          }
        : {}),
    },
    now,
  );
  return {
    state: 'running',
    next: 'continue',
    delayMs: 0,
    sent: succeeded ? open.seqs.length : 0,
    deliveryId: open.deliveryId,
    nextSeq: open.after.seq,
  };
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Called outside an activity (unit use): nothing to tell.
  }
}
