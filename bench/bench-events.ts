import { newId, searchTokens } from '@audit/shared';
import type { EventDoc } from '@audit/store';

/** An event as a client sends it: a realistic size (about 500 bytes of JSON) and shape. */
export function sampleEvent(i: number, run: string) {
  return {
    category: 'lock' as const,
    action: 'created',
    actor: {
      type: 'user' as const,
      id: `usr_${i % 1000}`,
      name: `User ${i % 1000}`,
      email: `user${i % 1000}@example.com`,
    },
    target: { type: 'stack', id: `stk_${i % 200}`, name: `stack ${i % 200}` },
    description: `Locked stack ${i % 200} for deploy ${i}`,
    metadata: { ticket: `INC-${i}`, region: 'eu-west-1', attempt: i % 3 },
    context: { ip: '203.0.113.9', userAgent: 'bench/1.0' },
    idempotencyKey: `${run}-${i}`,
  };
}

/** The document the API would store for the same event: what the raw-driver baseline inserts. */
export function sampleDoc(
  i: number,
  run: string,
  ws: { workspaceId: string; organizationId: string },
  seq: number,
  recordedAt: Date,
): EventDoc {
  const e = sampleEvent(i, run);
  const id = newId('event', recordedAt.getTime());
  return {
    _id: id,
    workspaceId: ws.workspaceId,
    organizationId: ws.organizationId,
    seq,
    category: e.category,
    action: e.action,
    actor: e.actor,
    target: e.target,
    description: e.description,
    metadata: e.metadata,
    occurredAt: recordedAt,
    recordedAt,
    context: e.context,
    idempotencyKey: e.idempotencyKey,
    idem: e.idempotencyKey,
    tokens: searchTokens(e),
  };
}
