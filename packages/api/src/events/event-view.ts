import type { AuditEvent } from '@audit/shared';
import type { EventDoc } from '@audit/store';

/** The API's shape of a stored event: dates as ISO strings, internal fields dropped. */
export function toAuditEvent(doc: EventDoc): AuditEvent {
  return {
    id: doc._id,
    workspaceId: doc.workspaceId,
    organizationId: doc.organizationId,
    seq: doc.seq,
    category: doc.category,
    action: doc.action,
    actor: doc.actor as AuditEvent['actor'],
    target: doc.target,
    description: doc.description,
    metadata: doc.metadata,
    occurredAt: doc.occurredAt.toISOString(),
    recordedAt: doc.recordedAt.toISOString(),
    context: doc.context,
    idempotencyKey: doc.idempotencyKey,
    hash: doc.hash ?? null,
  };
}
