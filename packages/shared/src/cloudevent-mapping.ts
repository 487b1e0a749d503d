/**
 * An audit event as CloudEvents v1.0 attributes. Pure: the delivery activity hands the result to
 * the `cloudevents` SDK, which validates it and writes structured or binary HTTP.
 */

/**
 * Extension attribute carrying the per-workspace `seq`, as a decimal string (binary mode sends
 * every attribute as a header string, so both modes carry the same value). Receivers detect a
 * gap when it jumps by more than one for a destination subscribed to every category.
 */
export const SEQ_EXTENSION = 'auditseq';

/**
 * Extension attribute carrying the event's hash (SHA-256 of its canonical form, hex): a receiver
 * can recompute it, and checkpoints delivered to the same destination commit to it.
 */
export const HASH_EXTENSION = 'audithash';

export const TEST_EVENT_TYPE = 'pro.atmos.webhook.test';

export interface MappableEvent {
  id: string;
  workspaceId: string;
  organizationId: string;
  seq: number;
  category: string;
  action: string;
  actor: Record<string, unknown>;
  target: { type: string; id: string; name?: string } | null;
  description: string | null;
  metadata: Record<string, unknown>;
  occurredAt: Date;
  recordedAt: Date;
  /** Absent on events stored before hashing, and on the test event. */
  hash?: string | undefined;
}

export interface AuditCloudEventData {
  actor: Record<string, unknown>;
  action: { category: string; action: string };
  target: { type: string; id: string; name?: string } | null;
  description: string | null;
  metadata: Record<string, unknown>;
  workspaceId: string;
  organizationId: string;
  recordedAt: string;
}

export type AuditCloudEventAttributes = {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  [SEQ_EXTENSION]: string;
  [HASH_EXTENSION]?: string;
  data: AuditCloudEventData;
};

export function cloudEventType(category: string, action: string): string {
  return `pro.atmos.${category}.${action}`;
}

export function cloudEventSource(publicBaseUrl: string, workspaceId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/workspaces/${workspaceId}`;
}

export function toCloudEventAttributes(
  e: MappableEvent,
  publicBaseUrl: string,
  type = cloudEventType(e.category, e.action),
): AuditCloudEventAttributes {
  return {
    specversion: '1.0',
    id: e.id,
    type,
    source: cloudEventSource(publicBaseUrl, e.workspaceId),
    ...(e.target ? { subject: e.target.id } : {}),
    time: e.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    [SEQ_EXTENSION]: String(e.seq),
    ...(e.hash ? { [HASH_EXTENSION]: e.hash } : {}),
    data: {
      actor: e.actor,
      action: { category: e.category, action: e.action },
      target: e.target,
      description: e.description,
      metadata: e.metadata,
      workspaceId: e.workspaceId,
      organizationId: e.organizationId,
      recordedAt: e.recordedAt.toISOString(),
    },
  };
}
