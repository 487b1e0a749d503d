import { TRPCError } from '@trpc/server';
import { randomUUID } from 'node:crypto';
import { newId, WEBHOOK_LIMITS, workflowIds } from '@audit/shared';
import type { DeliveryStatus, StreamDoc, WebhookDoc, WorkspaceDoc } from '@audit/store';
import { streamSearchAttributes } from '@audit/workflows/stream-waker';
import type { StreamInput, TestDeliveryResult } from '@audit/workflows/stream-types';
import type { ApiDeps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
import { wakeStream } from './stream-control.ts';
import { toDeliveryView, type DeliveryView } from './webhook-view.ts';

const TEST_TIMEOUT_MS = 30_000;

function temporalOf(deps: ApiDeps) {
  if (!deps.temporal) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Temporal is not configured' });
  return deps.temporal;
}

async function loadHook(deps: ApiDeps, ws: WorkspaceDoc, id: string): Promise<WebhookDoc> {
  const hook = await deps.store.webhooks.findForWorkspace(ws._id, id);
  if (!hook) throw notFound('webhook', id);
  return hook;
}

function requireEnabled(hook: WebhookDoc): void {
  if (!hook.enabled)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `webhook ${hook._id} is disabled (${hook.disabledReason ?? 'manual'}); enable it with webhooks.update first`,
    });
}

function unavailable(err: unknown): TRPCError {
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'Temporal is unreachable; try again shortly',
    cause: err,
  });
}

export function encodeDeliveryCursor(id: string): string {
  return Buffer.from(`d:${id}`, 'utf8').toString('base64url');
}

function decodeDeliveryCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^d:dlv_[0-9A-HJKMNP-TV-Z]{26}$/.test(raw))
    throw invalidField(['cursor'], 'is not a cursor returned by webhooks.deliveries');
  return raw.slice(2);
}

/** Where one event stands for a destination: the batch that carried it, or why none has. */
export interface EventDeliveryState {
  eventId: string;
  seq: number;
  state: 'delivered' | 'failed' | 'pending' | 'sending' | 'not matched';
  deliveryId: string | null;
}

export async function listDeliveries(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  input: {
    webhookId: string;
    eventId?: string | undefined;
    status?: DeliveryStatus | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: DeliveryView[]; nextCursor: string | null; event?: EventDeliveryState }> {
  const hook = await loadHook(deps, ws, input.webhookId);
  const beforeId = input.cursor ? decodeDeliveryCursor(input.cursor) : undefined;
  const event = input.eventId ? await deps.store.events.findForWorkspace(ws._id, input.eventId) : null;
  if (input.eventId && !event) throw notFound('event', input.eventId);
  const docs = await deps.store.deliveries.listForWebhook(ws._id, input.webhookId, {
    status: input.status,
    eventId: input.eventId,
    beforeId,
    limit: input.limit + 1,
  });
  const page = docs.slice(0, input.limit);
  const attempts = await deps.store.deliveries.attemptsFor(
    ws._id,
    page.map((d) => d._id),
  );
  const items = page.map((d) =>
    toDeliveryView(
      d,
      attempts.filter((a) => a.deliveryId === d._id),
    ),
  );
  const result = {
    items,
    nextCursor: docs.length > input.limit && page.length > 0 ? encodeDeliveryCursor(page.at(-1)!._id) : null,
  };
  if (!event) return result;
  return { ...result, event: await eventState(deps, ws, hook, event._id, event.seq, page) };
}

async function eventState(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  hook: WebhookDoc,
  eventId: string,
  seq: number,
  carriers: { _id: string; status: DeliveryStatus; kind: string }[],
): Promise<EventDeliveryState> {
  const base = { eventId, seq };
  const delivered = carriers.find((d) => d.status === 'succeeded');
  if (delivered) return { ...base, state: 'delivered', deliveryId: delivered._id };
  const pending = carriers.find((d) => d.status === 'pending');
  if (pending) return { ...base, state: 'sending', deliveryId: pending._id };
  const failed = carriers.find((d) => d.status === 'failed');
  if (failed) return { ...base, state: 'failed', deliveryId: failed._id };
  const stream = await deps.store.streams.find(ws._id, hook._id);
  return { ...base, state: !stream || seq >= stream.next.seq ? 'pending' : 'not matched', deliveryId: null };
}

/** Batches sent again by hand, one after another, each on the retry schedule. */
async function startManual(deps: ApiDeps, ws: WorkspaceDoc, hook: WebhookDoc, deliveryIds: string[]): Promise<string> {
  const temporal = temporalOf(deps);
  const workflowId = `${workflowIds.manualDelivery(deliveryIds[0]!)}:${randomUUID()}`;
  try {
    await temporal.workflow.start('manualRedelivery', {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [{ workspaceId: ws._id, deliveryIds }],
      typedSearchAttributes: streamSearchAttributes({ workspaceId: ws._id, webhookId: hook._id }),
    });
  } catch (err) {
    throw unavailable(err);
  }
  return workflowId;
}

export async function redeliver(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  deliveryId: string,
): Promise<{ deliveryId: string; workflowId: string }> {
  const delivery = await deps.store.deliveries.findForWorkspace(ws._id, deliveryId);
  if (!delivery) throw notFound('delivery', deliveryId);
  const hook = await loadHook(deps, ws, delivery.webhookId);
  requireEnabled(hook);
  if (delivery.status === 'pending')
    throw new TRPCError({
      code: 'CONFLICT',
      message: `delivery ${deliveryId} is still being attempted; wait for it to finish`,
    });
  const workflowId = await startManual(deps, ws, hook, [delivery._id]);
  return { deliveryId, workflowId };
}

/** Redelivers every failed batch of the destination created since `since`, up to a bound per call. */
export async function recover(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  input: { webhookId: string; since: string },
): Promise<{ redelivered: number; deliveryIds: string[]; more: boolean }> {
  const since = new Date(input.since);
  if (since.getTime() > deps.clock().getTime()) throw invalidField(['since'], 'must not be in the future');
  const hook = await loadHook(deps, ws, input.webhookId);
  requireEnabled(hook);
  const failed = await deps.store.deliveries.listFailedSince(ws._id, hook._id, since, WEBHOOK_LIMITS.recoverMax + 1);
  const batch = failed.slice(0, WEBHOOK_LIMITS.recoverMax);
  if (batch.length > 0)
    await startManual(
      deps,
      ws,
      hook,
      batch.map((d) => d._id),
    );
  return { redelivered: batch.length, deliveryIds: batch.map((d) => d._id), more: failed.length > batch.length };
}

/**
 * Sends a range of the log again, in order, in the destination's format, as deliveries marked
 * `replay`. It runs beside the live stream, as a stream of its own with its own position.
 */
export async function replay(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  input: { id: string; since: string; until?: string | undefined },
): Promise<{ replayId: string; workflowId: string; fromSeq: number; untilSeq: number | null }> {
  const hook = await loadHook(deps, ws, input.id);
  requireEnabled(hook);
  const now = deps.clock();
  const since = new Date(input.since);
  const until = input.until ? new Date(input.until) : now;
  if (since.getTime() > now.getTime()) throw invalidField(['since'], 'must not be in the future');
  if (until.getTime() < since.getTime()) throw invalidField(['until'], 'must not be before since');
  const running = (await deps.store.streams.listReplays(ws._id, hook._id, 50)).filter((r) => r.status === 'running');
  if (running.length >= WEBHOOK_LIMITS.replaysRunning)
    throw new TRPCError({
      code: 'CONFLICT',
      message: `webhooks: at most ${WEBHOOK_LIMITS.replaysRunning} replays may run at once for a destination; wait for one to finish`,
    });
  const next = await deps.store.streamLog.cursorAt(ws._id, since);
  const untilSeq = await deps.store.streamLog.lastSeqAt(ws._id, until);
  const id = newId('replay', now.getTime());
  const doc: StreamDoc = {
    _id: id,
    kind: 'replay',
    workspaceId: ws._id,
    webhookId: hook._id,
    next,
    open: null,
    deliveredThrough: null,
    lastDelivery: null,
    untilSeq: untilSeq ?? next.seq - 1,
    status: 'running',
    idleSince: null,
    createdAt: now,
    updatedAt: now,
    range: { since, until: input.until ? until : null },
  };
  await deps.store.streams.create(doc);
  const workflowId = workflowIds.replay(id);
  try {
    await temporalOf(deps).workflow.start('destinationStream', {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [{ workspaceId: ws._id, webhookId: hook._id, streamId: id } satisfies StreamInput],
      typedSearchAttributes: streamSearchAttributes({ workspaceId: ws._id, webhookId: hook._id }),
    });
  } catch (err) {
    await deps.store.streams.save(id, { status: 'cancelled' }, now);
    throw unavailable(err);
  }
  return { replayId: id, workflowId, fromSeq: next.seq, untilSeq: doc.untilSeq };
}

/** Sends a test event through the worker's delivery path and waits for its outcome. */
export async function testWebhook(deps: ApiDeps, ws: WorkspaceDoc, webhookId: string): Promise<TestDeliveryResult> {
  const hook = await loadHook(deps, ws, webhookId);
  const temporal = temporalOf(deps);
  let handle;
  try {
    handle = await temporal.workflow.start('webhookTest', {
      workflowId: `webhook-test:${hook._id}:${randomUUID()}`,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [{ workspaceId: ws._id, webhookId: hook._id }],
      workflowExecutionTimeout: `${TEST_TIMEOUT_MS} ms`,
    });
  } catch (err) {
    throw unavailable(err);
  }
  let result: TestDeliveryResult;
  try {
    result = (await handle.result()) as TestDeliveryResult;
  } catch (err) {
    throw new TRPCError({
      code: 'TIMEOUT',
      message: 'the test delivery did not finish in time (is a worker running?)',
      cause: err,
    });
  }
  // The receiver answers again: a batch waiting on the retry schedule goes now, not hours later.
  if (result.ok && hook.enabled) await wakeStream(deps, hook, 'retryNow');
  return result;
}
