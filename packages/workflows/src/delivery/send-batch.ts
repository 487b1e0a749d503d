import { gzipSync } from 'node:zlib';
import {
  classifyStatus,
  DELIVERY_LIMITS,
  newId,
  nextRetryDelay,
  parseRetryAfter,
  type AuditCloudEventAttributes,
  type ResponseClass,
} from '@audit/shared';
import { signWebhook } from '@audit/shared/webhook-signing';
import type { AttemptTrigger, DeliveryDoc, Store, WebhookDoc } from '@audit/store';
import type { DeliveryObserver, LogSink } from '../observer.ts';
import { noteFailure, noteGone, type HealthDeps } from './destination-health.ts';
import { customHeaders, signingSecrets } from './destination-secrets.ts';
import { formatSpec } from './formats/index.ts';
import { guardedPost, type PostResult } from './guarded-post.ts';
import type { DeliverySettings } from './delivery-settings.ts';

export const USER_AGENT = 'atmos-audit-log-webhooks/2.0';

/**
 * The exact request: the format's body, signed, then gzipped when asked. The signature covers the
 * body as the receiver's HTTP stack hands it over once `content-encoding` is undone (body-parser,
 * nginx and most gateways inflate it): Standard Webhooks libraries read the payload as text, so a
 * signature over compressed bytes could not be checked with them at all.
 */
export function buildRequest(
  hook: WebhookDoc,
  webhookId: string,
  events: AuditCloudEventAttributes[],
  settings: DeliverySettings,
  now: Date,
): { headers: Record<string, string>; body: Buffer } {
  const rendered = formatSpec(hook.format).render(events, { publicBaseUrl: settings.publicBaseUrl });
  const text = Buffer.from(rendered.body, 'utf8');
  const signed = signWebhook(
    signingSecrets(settings.encryptionKey, hook, now),
    webhookId,
    Math.floor(now.getTime() / 1000),
    text,
  );
  const headers: Record<string, string> = {
    ...customHeaders(settings.encryptionKey, hook),
    'user-agent': USER_AGENT,
    ...rendered.headers,
    ...signed,
  };
  if (hook.compression !== 'gzip') return { headers, body: text };
  return { headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(text) };
}

export async function post(
  hook: WebhookDoc,
  webhookId: string,
  events: AuditCloudEventAttributes[],
  settings: DeliverySettings,
  now: Date,
): Promise<{ result: PostResult; bytes: number }> {
  let built;
  try {
    built = buildRequest(hook, webhookId, events, settings, now);
  } catch (err) {
    return {
      result: {
        kind: 'error',
        error: `could not build the request: ${(err as Error).message}`,
        refused: true,
        durationMs: 0,
      },
      bytes: 0,
    };
  }
  const result = await guardedPost({
    url: hook.url,
    headers: built.headers,
    body: built.body,
    timeoutMs: settings.requestTimeoutMs,
    maxBodyBytes: DELIVERY_LIMITS.responseBodyBytes,
    allowPrivate: settings.allowPrivate,
    loopbackOnly: settings.loopbackOnly ?? false,
    resolver: settings.resolver,
  });
  return { result, bytes: built.body.length };
}

export interface AttemptOutcome {
  status: 'succeeded' | 'failed' | 'retrying';
  cls: ResponseClass;
  /** The wait before the next attempt; null when this run is over. */
  nextDelayMs: number | null;
  responseStatus: number | null;
  at: Date;
}

export interface AttemptDeps {
  store: Store;
  clock: () => Date;
  settings: DeliverySettings;
  health: HealthDeps;
  observer: DeliveryObserver;
  log: LogSink;
}

/**
 * One attempt of a batch: POST, the attempt stored, the destination's health and the delivery
 * settled. `scheduleIndex` is the attempt's place in the retry schedule, which decides the wait
 * before the next one (a Retry-After longer than that is honoured).
 */
export async function attemptBatch(
  deps: AttemptDeps,
  hook: WebhookDoc,
  delivery: DeliveryDoc,
  events: AuditCloudEventAttributes[],
  trigger: AttemptTrigger,
  scheduleIndex: number,
): Promise<AttemptOutcome> {
  const { store, settings } = deps;
  const startedAt = deps.clock();
  const attempt = delivery.attempts + 1;
  const { result, bytes } = await post(hook, delivery._id, events, settings, startedAt);
  const cls: ResponseClass =
    result.kind === 'response' ? classifyStatus(result.status) : result.refused ? 'stop' : 'retry';
  const retryAfter = result.kind === 'response' ? parseRetryAfter(result.retryAfter, startedAt) : null;
  const nextDelayMs =
    cls === 'retry' ? nextRetryDelay(settings.retrySchedule, scheduleIndex + 1, retryAfter, Math.random) : null;
  const nextAttemptAt = nextDelayMs === null ? null : new Date(startedAt.getTime() + result.durationMs + nextDelayMs);
  const responseStatus = result.kind === 'response' ? result.status : null;
  const error =
    result.kind === 'error'
      ? result.error
      : cls === 'success'
        ? null
        : `HTTP ${result.status}${cls === 'retry' && result.status < 400 ? ' (redirects are not followed)' : ''}`;
  const stored = store.deliveries.putAttempt({
    _id: newId('attempt', startedAt.getTime()),
    workspaceId: delivery.workspaceId,
    deliveryId: delivery._id,
    webhookId: hook._id,
    attempt,
    trigger,
    status: cls === 'success' ? 'succeeded' : 'failed',
    responseStatus,
    responseBody: result.kind === 'response' ? result.body : null,
    durationMs: result.durationMs,
    bytes,
    error,
    startedAt,
    nextAttemptAt,
  });
  const status: AttemptOutcome['status'] =
    cls === 'success' ? 'succeeded' : nextDelayMs === null ? 'failed' : 'retrying';
  // The attempt and the destination's state before the delivery settles: once it reads as
  // settled, its attempt and any 410 or warning it caused are visible.
  const health =
    cls === 'success'
      ? store.webhooks.recordSuccess(hook.workspaceId, hook._id, startedAt)
      : cls === 'gone'
        ? noteGone(deps.health, hook)
        : noteFailure(deps.health, hook);
  await Promise.all([stored, health]);
  await store.deliveries.settleLoaded(
    delivery,
    attempt,
    {
      status: status === 'retrying' ? 'pending' : status,
      lastAttemptAt: startedAt,
      nextAttemptAt,
      lastResponseStatus: responseStatus,
      lastError: error,
    },
    deps.clock(),
  );
  deps.observer.attempt({ outcome: status, responseStatus, durationMs: result.durationMs, trigger });
  // Ids only: the URL may carry a token in its query, and header values never leave the store.
  const fields = {
    webhookId: hook._id,
    deliveryId: delivery._id,
    attempt,
    trigger,
    outcome: status,
    responseStatus,
    durationMs: result.durationMs,
    events: events.length,
    error,
  };
  if (status === 'succeeded') deps.log.debug(fields, 'delivery attempt');
  else deps.log.warn(fields, 'delivery attempt failed');
  return { status, cls, nextDelayMs, responseStatus, at: startedAt };
}
