import { TRPCError } from '@trpc/server';
import {
  checkWebhookUrl,
  newId,
  retentionDays,
  WEBHOOK_LIMITS,
  type Category,
  type WebhookFormat,
} from '@audit/shared';
import { encryptionKeyFrom, encryptSecret, MISSING_KEY_MESSAGE, sealContext } from '@audit/shared/secret-box';
import { generateSigningSecret, secretHint } from '@audit/shared/webhook-signing';
import type {
  WebhookChanges,
  WebhookCompression,
  WebhookDoc,
  WebhookHeaderDoc,
  WebhookSecretDoc,
  WorkspaceDoc,
} from '@audit/store';
import { newLiveStream } from '@audit/workflows/stream-activities';
import type { ApiDeps } from '../deps.ts';
import { badRequest, invalidField, notFound } from '../errors.ts';
import { describeDestination, recordWebhookChange, type Actor } from './webhook-audit.ts';
import { streamViewOf } from './stream-view.ts';
import { wakeStream } from './stream-control.ts';
import { maskValue, toWebhookView, type WebhookView } from './webhook-view.ts';

export interface CreateWebhookInput {
  url: string;
  description?: string | undefined;
  headers?: Record<string, string> | undefined;
  categories?: Category[] | undefined;
  format?: WebhookFormat | undefined;
  batchSize?: number | undefined;
  compression?: WebhookCompression | undefined;
  /** `now`, or an ISO instant within retention: the history from then on is delivered first. */
  startFrom?: string | undefined;
}

export interface UpdateWebhookInput {
  id: string;
  url?: string | undefined;
  description?: string | null | undefined;
  headers?: Record<string, string> | undefined;
  categories?: Category[] | undefined;
  format?: WebhookFormat | undefined;
  batchSize?: number | undefined;
  compression?: WebhookCompression | undefined;
  enabled?: boolean | undefined;
  /** With `enabled: true`: `now` skips what was recorded while disabled. */
  resumeFrom?: 'position' | 'now' | undefined;
}

function keyOf(deps: ApiDeps): Buffer {
  const key = encryptionKeyFrom(deps.config);
  if (!key) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: MISSING_KEY_MESSAGE });
  return key;
}

function checkUrl(deps: ApiDeps, url: string): void {
  const problem = checkWebhookUrl(url, deps.config.WEBHOOK_ALLOW_PRIVATE);
  if (problem) throw invalidField(['url'], problem);
}

function sealHeaders(key: Buffer, webhookId: string, headers: Record<string, string>): WebhookHeaderDoc[] {
  return Object.entries(headers).map(([name, value]) => ({
    name,
    sealed: encryptSecret(key, value, sealContext.header(webhookId, name)),
    hint: maskValue(value),
  }));
}

function sealSecret(key: Buffer, webhookId: string, secret: string, now: Date): WebhookSecretDoc {
  return {
    sealed: encryptSecret(key, secret, sealContext.signingSecret(webhookId)),
    hint: secretHint(secret),
    createdAt: now,
    expiresAt: null,
  };
}

async function load(deps: ApiDeps, ws: WorkspaceDoc, id: string): Promise<WebhookDoc> {
  const doc = await deps.store.webhooks.findForWorkspace(ws._id, id);
  if (!doc) throw notFound('webhook', id);
  return doc;
}

async function view(deps: ApiDeps, ws: WorkspaceDoc, doc: WebhookDoc): Promise<WebhookView> {
  const health = await deps.store.webhooks.healthFor(ws._id, [doc._id]);
  return toWebhookView(doc, health.get(doc._id) ?? null, deps.clock(), await streamViewOf(deps, ws, doc));
}

/** A backfill's start: not in the future, not before what retention still keeps. */
function startInstant(deps: ApiDeps, ws: WorkspaceDoc, value: string, field: string): Date {
  const at = new Date(value);
  const now = deps.clock();
  if (at.getTime() > now.getTime()) throw invalidField([field], 'must not be in the future');
  const days = retentionDays(ws.plan);
  if (now.getTime() - at.getTime() > days * 86_400_000)
    throw invalidField([field], `must be within the workspace's retention (${days} days)`);
  return at;
}

/** The signing secret is in this answer and never again (only its hint is shown later). */
export async function createWebhook(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  actor: Actor,
  input: CreateWebhookInput,
): Promise<{ webhook: WebhookView; secret: string }> {
  checkUrl(deps, input.url);
  const key = keyOf(deps);
  if ((await deps.store.webhooks.countForWorkspace(ws._id)) >= WEBHOOK_LIMITS.perWorkspace) {
    throw badRequest(
      `webhooks: a workspace may have at most ${WEBHOOK_LIMITS.perWorkspace} destinations; delete one first`,
    );
  }
  const startAt =
    input.startFrom && input.startFrom !== 'now' ? startInstant(deps, ws, input.startFrom, 'startFrom') : null;
  const now = deps.clock();
  const id = newId('webhook', now.getTime());
  const secret = generateSigningSecret();
  const doc: WebhookDoc = {
    _id: id,
    workspaceId: ws._id,
    organizationId: ws.organizationId,
    url: input.url,
    description: input.description ?? null,
    headers: sealHeaders(key, id, input.headers ?? {}),
    categories: input.categories ?? [],
    format: input.format ?? 'cloudevents',
    batchSize: input.batchSize ?? WEBHOOK_LIMITS.batchSize,
    compression: input.compression ?? 'none',
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    secrets: [sealSecret(key, id, secret, now)],
    createdAt: now,
    updatedAt: now,
  };
  // The stream's position first: from the end of the log, or from the backfill's start.
  const next = startAt ? await deps.store.streamLog.cursorAt(ws._id, startAt) : undefined;
  await deps.store.streams.create(await newLiveStream(deps.store, doc, now, next));
  await deps.store.webhooks.insert(doc);
  await recordWebhookChange(deps, ws, actor, doc, 'webhook_created', 'Webhook destination created', {
    ...describeDestination(doc),
    startFrom: startAt?.toISOString() ?? 'now',
  });
  await wakeStream(deps, doc);
  return { webhook: await view(deps, ws, doc), secret };
}

export async function listWebhooks(deps: ApiDeps, ws: WorkspaceDoc): Promise<{ items: WebhookView[] }> {
  const now = deps.clock();
  const docs = await deps.store.webhooks.listForWorkspace(ws._id, WEBHOOK_LIMITS.perWorkspace);
  const health = await deps.store.webhooks.healthFor(
    ws._id,
    docs.map((d) => d._id),
  );
  const streams = await Promise.all(docs.map((d) => streamViewOf(deps, ws, d)));
  return { items: docs.map((d, i) => toWebhookView(d, health.get(d._id) ?? null, now, streams[i] ?? null)) };
}

export async function getWebhook(deps: ApiDeps, ws: WorkspaceDoc, id: string): Promise<WebhookView> {
  return view(deps, ws, await load(deps, ws, id));
}

/** `headers`, when given, replace the whole set: values are never shown, so they are resent. */
export async function updateWebhook(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  actor: Actor,
  input: UpdateWebhookInput,
): Promise<WebhookView> {
  const current = await load(deps, ws, input.id);
  const now = deps.clock();
  const changes: WebhookChanges = {};
  if (input.url !== undefined && input.url !== current.url) {
    checkUrl(deps, input.url);
    changes.url = input.url;
  }
  if (input.description !== undefined && input.description !== current.description)
    changes.description = input.description;
  if (input.headers !== undefined) changes.headers = sealHeaders(keyOf(deps), current._id, input.headers);
  if (input.categories !== undefined && [...input.categories].sort().join() !== [...current.categories].sort().join())
    changes.categories = input.categories;
  if (input.format !== undefined && input.format !== current.format) changes.format = input.format;
  if (input.batchSize !== undefined && input.batchSize !== current.batchSize) changes.batchSize = input.batchSize;
  if (input.compression !== undefined && input.compression !== current.compression)
    changes.compression = input.compression;
  if (input.resumeFrom !== undefined && input.enabled !== true)
    throw invalidField(['resumeFrom'], 'goes with enabled: true');
  if (input.enabled !== undefined && input.enabled !== current.enabled) {
    changes.enabled = input.enabled;
    changes.disabledReason = input.enabled ? null : 'manual';
    changes.disabledAt = input.enabled ? null : now;
  }
  const fields = Object.keys(changes).filter((k) => !['disabledReason', 'disabledAt'].includes(k));
  if (fields.length === 0) return view(deps, ws, current);
  if (changes.enabled) await deps.store.webhooks.resetFailures(ws._id, current._id);
  if (changes.enabled && input.resumeFrom === 'now') await skipToNow(deps, ws, current, now);
  const before = await deps.store.webhooks.update(ws._id, current._id, changes, now);
  if (!before) throw notFound('webhook', input.id);
  const after: WebhookDoc = { ...before, ...changes, updatedAt: now };
  const from = describeDestination(before);
  const to = describeDestination(after);
  const diff = Object.fromEntries(
    (Object.keys(to) as (keyof typeof to)[])
      .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]) || (k === 'headerNames' && changes.headers))
      .map((k) => [k, { from: from[k], to: to[k] }]),
  );
  const change =
    fields.length === 1 && changes.enabled !== undefined
      ? changes.enabled
        ? 'webhook_enabled'
        : 'webhook_disabled'
      : 'webhook_updated';
  const what =
    change === 'webhook_enabled'
      ? 'enabled'
      : change === 'webhook_disabled'
        ? 'disabled'
        : `updated (${fields.join(', ')})`;
  await recordWebhookChange(deps, ws, actor, after, change, `Webhook destination ${what}`, {
    changed: fields,
    ...diff,
    ...(changes.headers ? { headerValuesChanged: true } : {}),
    ...(changes.enabled ? { resumeFrom: input.resumeFrom ?? 'position' } : {}),
  });
  // A disabled or changed stream hears of it now rather than at its next batch.
  await wakeStream(deps, after);
  return view(deps, ws, after);
}

/** Re-enabling with `resumeFrom: 'now'`: what was recorded meanwhile is skipped, and so is a waiting batch. */
async function skipToNow(deps: ApiDeps, ws: WorkspaceDoc, hook: WebhookDoc, now: Date): Promise<void> {
  const stream = await deps.store.streams.find(ws._id, hook._id);
  if (!stream) return deps.store.streams.create(await newLiveStream(deps.store, hook, now));
  if (stream.open) {
    await deps.store.deliveries.settle(
      ws._id,
      stream.open.deliveryId,
      0,
      {
        status: 'failed',
        lastAttemptAt: null,
        nextAttemptAt: null,
        lastResponseStatus: null,
        lastError: 'skipped: the destination was re-enabled from now',
      },
      now,
    );
  }
  await deps.store.streams.save(stream._id, { next: await deps.store.streamLog.cursorAtEnd(ws._id), open: null }, now);
}

export async function deleteWebhook(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  actor: Actor,
  id: string,
): Promise<{ id: string; deleted: true }> {
  const doc = await deps.store.webhooks.deleteForWorkspace(ws._id, id);
  if (!doc) throw notFound('webhook', id);
  await deps.store.streams.deleteForWebhook(ws._id, id);
  await recordWebhookChange(
    deps,
    ws,
    actor,
    doc,
    'webhook_deleted',
    'Webhook destination deleted',
    describeDestination(doc),
  );
  await wakeStream(deps, doc);
  return { id, deleted: true };
}

/** The new secret signs at once; the previous one keeps signing beside it for 24 hours. */
export async function rotateWebhookSecret(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  actor: Actor,
  id: string,
): Promise<{ webhook: WebhookView; secret: string; previousSecretExpiresAt: string }> {
  const current = await load(deps, ws, id);
  const key = keyOf(deps);
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + WEBHOOK_LIMITS.rotationOverlapMs);
  const secret = generateSigningSecret();
  const kept = current.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
    .map((s) => ({ ...s, expiresAt: s.expiresAt ?? expiresAt }))
    .slice(0, 2);
  const secrets = [sealSecret(key, current._id, secret, now), ...kept];
  const before = await deps.store.webhooks.update(ws._id, id, { secrets }, now);
  if (!before) throw notFound('webhook', id);
  const after: WebhookDoc = { ...before, secrets, updatedAt: now };
  await recordWebhookChange(deps, ws, actor, after, 'webhook_secret_rotated', 'Webhook signing secret rotated', {
    previousSecretExpiresAt: expiresAt.toISOString(),
  });
  return { webhook: await view(deps, ws, after), secret, previousSecretExpiresAt: expiresAt.toISOString() };
}
