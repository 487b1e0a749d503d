import { effectiveBatchSize } from '@audit/shared';
import type { AttemptDoc, DeliveryDoc, WebhookDoc, WebhookHealthDoc } from '@audit/store';

/** Where a destination's stream stands, as `webhooks.get` and `webhooks.list` show it. */
export interface StreamView {
  state: 'running' | 'retrying' | 'paused' | 'disabled';
  deliveredThrough: { seq: number; recordedAt: string } | null;
  /** Events of the workspace after the stream's position, before its category filter. */
  backlog: number;
  /** Age of the oldest event not yet passed; 0 when caught up. */
  lagSeconds: number;
  nextAttemptAt: string | null;
  lastDelivery: { at: string; status: 'succeeded' | 'failed' | 'retrying'; responseStatus: number | null } | null;
}

export interface WebhookView {
  id: string;
  workspaceId: string;
  url: string;
  description: string | null;
  /** Values masked: they are stored encrypted and never returned. */
  headers: { name: string; value: string }[];
  categories: string[];
  format: WebhookDoc['format'];
  batchSize: number;
  compression: WebhookDoc['compression'];
  enabled: boolean;
  disabledReason: WebhookDoc['disabledReason'];
  disabledAt: string | null;
  secretHint: string;
  /** While a rotated-out secret still signs next to the current one. */
  previousSecretExpiresAt: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  createdAt: string;
  updatedAt: string;
  stream: StreamView | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toWebhookView(
  doc: WebhookDoc,
  health: WebhookHealthDoc | null,
  now: Date,
  stream: StreamView | null = null,
): WebhookView {
  const previous = doc.secrets
    .filter((s) => s.expiresAt && s.expiresAt.getTime() > now.getTime())
    .map((s) => s.expiresAt!.getTime());
  return {
    id: doc._id,
    workspaceId: doc.workspaceId,
    url: doc.url,
    description: doc.description,
    headers: doc.headers.map((h) => ({ name: h.name, value: h.hint })),
    categories: doc.categories,
    format: doc.format,
    batchSize: effectiveBatchSize(doc.format, doc.batchSize),
    compression: doc.compression,
    enabled: doc.enabled,
    disabledReason: doc.disabledReason,
    disabledAt: iso(doc.disabledAt),
    secretHint: doc.secrets[0]?.hint ?? '',
    previousSecretExpiresAt: previous.length > 0 ? new Date(Math.max(...previous)).toISOString() : null,
    failingSince: iso(health?.failingSince ?? null),
    lastSuccessAt: iso(health?.lastSuccessAt ?? null),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    stream,
  };
}

/** Enough to tell values apart, never enough to use one. */
export function maskValue(value: string): string {
  return value.length >= 16 ? `****${value.slice(-4)}` : '****';
}

export interface AttemptView {
  bytes: number;
  attempt: number;
  trigger: AttemptDoc['trigger'];
  status: AttemptDoc['status'];
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  startedAt: string;
  nextAttemptAt: string | null;
}

export interface DeliveryView {
  /** Also the batch's `webhook-id`. */
  id: string;
  webhookId: string;
  kind: DeliveryDoc['kind'];
  /** The events it carried, in `seq` order. */
  eventIds: string[];
  seqs: { first: number; last: number };
  count: number;
  status: DeliveryDoc['status'];
  attemptCount: number;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  attempts: AttemptView[];
}

/** Deliveries stored before streams carried one event (`eventId`) and no seqs: shown as batches of one. */
type StoredDelivery = DeliveryDoc & { eventId?: string };

export function toDeliveryView(stored: StoredDelivery, attempts: AttemptDoc[]): DeliveryView {
  const doc = {
    ...stored,
    kind: stored.kind ?? 'stream',
    eventIds: stored.eventIds ?? (stored.eventId ? [stored.eventId] : []),
    seqs: stored.seqs ?? [],
  };
  return {
    id: doc._id,
    webhookId: doc.webhookId,
    kind: doc.kind,
    eventIds: doc.eventIds,
    seqs: { first: doc.seqs[0] ?? 0, last: doc.seqs.at(-1) ?? 0 },
    count: doc.eventIds.length,
    status: doc.status,
    attemptCount: doc.attempts,
    createdAt: doc.createdAt.toISOString(),
    lastAttemptAt: iso(doc.lastAttemptAt),
    nextAttemptAt: iso(doc.nextAttemptAt),
    lastResponseStatus: doc.lastResponseStatus,
    lastError: doc.lastError,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      bytes: a.bytes ?? 0,
      trigger: a.trigger,
      status: a.status,
      responseStatus: a.responseStatus,
      responseBody: a.responseBody,
      durationMs: a.durationMs,
      error: a.error,
      startedAt: a.startedAt.toISOString(),
      nextAttemptAt: iso(a.nextAttemptAt),
    })),
  };
}
