import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { randomUUID } from 'node:crypto';
import { WEBHOOK_LIMITS, workflowIds } from '@audit/shared';
import type { DeliveryStatus, WebhookDoc, WorkspaceDoc } from '@audit/store';
import { deliverySearchAttributes } from '@audit/workflows/dispatcher';
import type { DeliverInput, TestDeliveryResult } from '@audit/workflows/delivery-types';
import type { ApiDeps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
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
  if (!hook.enabled) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `webhook ${hook._id} is disabled (${hook.disabledReason ?? 'manual'}); enable it with webhooks.update first` });
}

function unavailable(err: unknown): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Temporal is unreachable; try again shortly', cause: err });
}

export function encodeDeliveryCursor(id: string): string {
  return Buffer.from(`d:${id}`, 'utf8').toString('base64url');
}

function decodeDeliveryCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^d:dlv_[0-9A-HJKMNP-TV-Z]{26}$/.test(raw)) throw invalidField(['cursor'], 'is not a cursor returned by webhooks.deliveries');
  return raw.slice(2);
}

export async function listDeliveries(deps: ApiDeps, ws: WorkspaceDoc, input: { webhookId: string; status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number }): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  await loadHook(deps, ws, input.webhookId);
  const beforeId = input.cursor ? decodeDeliveryCursor(input.cursor) : undefined;
  const docs = await deps.store.deliveries.listForWebhook(ws._id, input.webhookId, { status: input.status, beforeId, limit: input.limit + 1 });
  const page = docs.slice(0, input.limit);
  const attempts = await deps.store.deliveries.attemptsFor(ws._id, page.map((d) => d._id));
  const items = page.map((d) => toDeliveryView(d, attempts.filter((a) => a.deliveryId === d._id)));
  return { items, nextCursor: docs.length > input.limit && page.length > 0 ? encodeDeliveryCursor(page.at(-1)!._id) : null };
}

/** A manual run through the same workflow; numbering continues after the scheduled attempts. */
async function startManual(deps: ApiDeps, input: DeliverInput, deliveryId: string): Promise<string> {
  const temporal = temporalOf(deps);
  const workflowId = workflowIds.manualDelivery(deliveryId);
  try {
    await temporal.workflow.start('deliverEvent', {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: deliverySearchAttributes(input),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw unavailable(err);
  }
  return workflowId;
}

export async function redeliver(deps: ApiDeps, ws: WorkspaceDoc, deliveryId: string): Promise<{ deliveryId: string; workflowId: string }> {
  const delivery = await deps.store.deliveries.findForWorkspace(ws._id, deliveryId);
  if (!delivery) throw notFound('delivery', deliveryId);
  const hook = await loadHook(deps, ws, delivery.webhookId);
  requireEnabled(hook);
  if (delivery.status === 'pending') throw new TRPCError({ code: 'CONFLICT', message: `delivery ${deliveryId} is still being attempted; wait for it to finish` });
  const workflowId = await startManual(deps, { workspaceId: ws._id, eventId: delivery.eventId, webhookId: hook._id, trigger: 'manual' }, delivery._id);
  return { deliveryId, workflowId };
}

/** Redelivers every failed delivery of the destination created since `since`, up to a bound per call. */
export async function recover(deps: ApiDeps, ws: WorkspaceDoc, input: { webhookId: string; since: string }): Promise<{ redelivered: number; deliveryIds: string[]; more: boolean }> {
  const since = new Date(input.since);
  if (since.getTime() > deps.clock().getTime()) throw invalidField(['since'], 'must not be in the future');
  const hook = await loadHook(deps, ws, input.webhookId);
  requireEnabled(hook);
  const failed = await deps.store.deliveries.listFailedSince(ws._id, hook._id, since, WEBHOOK_LIMITS.recoverMax + 1);
  const batch = failed.slice(0, WEBHOOK_LIMITS.recoverMax);
  for (const d of batch) await startManual(deps, { workspaceId: ws._id, eventId: d.eventId, webhookId: hook._id, trigger: 'manual' }, d._id);
  return { redelivered: batch.length, deliveryIds: batch.map((d) => d._id), more: failed.length > batch.length };
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
  try {
    return (await handle.result()) as TestDeliveryResult;
  } catch (err) {
    throw new TRPCError({ code: 'TIMEOUT', message: 'the test delivery did not finish in time (is a worker running?)', cause: err });
  }
}
