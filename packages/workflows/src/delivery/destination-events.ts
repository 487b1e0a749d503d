import { newId, searchTokens, type Category } from '@audit/shared';
import type { NewEvent, Store, WebhookDoc } from '@audit/store';
import type { StreamWaker } from './stream-waker.ts';

export interface DestinationEventDeps {
  store: Store;
  waker: StreamWaker;
  clock: () => Date;
}

/**
 * Audit events the delivery itself records about a destination (disabled, failing), as the
 * system actor, through the same stream log and wake-up as the API's. The idempotency key makes an
 * activity retry find the event it already wrote.
 */
export async function recordDestinationEvent(
  deps: DestinationEventDeps,
  hook: WebhookDoc,
  what: { idempotencyKey: string; description: string; metadata: Record<string, unknown> },
): Promise<void> {
  const ws = await deps.store.workspaces.findById(hook.workspaceId);
  if (!ws) return;
  const now = deps.clock();
  const id = newId('event', now.getTime());
  const base = {
    category: 'workspace' as Category,
    action: 'settings_changed',
    actor: { type: 'system', id: 'audit-log', name: 'Audit log service' },
    target: { type: 'webhook', id: hook._id },
    description: what.description,
  };
  const doc: NewEvent = {
    _id: id,
    workspaceId: ws._id,
    organizationId: ws.organizationId,
    ...base,
    metadata: { webhookId: hook._id, ...what.metadata },
    occurredAt: now,
    recordedAt: now,
    context: {},
    idempotencyKey: what.idempotencyKey,
    idem: what.idempotencyKey,
    tokens: searchTokens(base),
  };
  const [result] = await deps.store.events.insertForWorkspace(ws._id, [doc]);
  if (result?.created) deps.waker.notify(ws, [doc.category]);
}
