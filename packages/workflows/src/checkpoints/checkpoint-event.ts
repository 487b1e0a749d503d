import { newId, searchTokens, type Category } from '@audit/shared';
import type { Checkpoint } from '@audit/shared/integrity/checkpoint';
import type { NewEvent, Store } from '@audit/store';
import type { StreamWaker } from '../delivery/stream-waker.ts';

export interface AnnounceDeps {
  store: Store;
  waker: StreamWaker;
  clock: () => Date;
}

/** The idempotency key of a checkpoint's event: `auto:` is reserved, so no caller can take it first. */
export const checkpointEventKey = (cp: Pick<Checkpoint, 'workspaceId' | 'number'>) =>
  `auto:checkpoint:${cp.workspaceId}:${cp.number}`;

/**
 * Records a sealed checkpoint as an event of the workspace (`audit.checkpoint`, the signed
 * checkpoint as its metadata), so it travels every destination's stream in order, in every format,
 * through every category filter: the customer's SIEM ends up holding the chain, and the service
 * cannot rewrite it without disagreeing with that copy. The event itself is sealed in the next
 * checkpoint, like any other.
 */
export async function announceCheckpoint(deps: AnnounceDeps, cp: Checkpoint, nextClaim: number): Promise<void> {
  const ws = await deps.store.workspaces.findById(cp.workspaceId);
  if (!ws) return;
  const now = deps.clock();
  const base = {
    category: 'audit' as Category,
    action: 'checkpoint',
    actor: { type: 'system', id: 'audit-log', name: 'Audit log service' },
    target: { type: 'checkpoint', id: cp.id, name: `Checkpoint #${cp.number}` },
    description: `Checkpoint #${cp.number} sealed ${cp.count} event${cp.count === 1 ? '' : 's'} (seq ${cp.from}–${cp.through})`,
  };
  const key = checkpointEventKey(cp);
  const doc: NewEvent = {
    _id: newId('event', now.getTime()),
    workspaceId: ws._id,
    organizationId: ws.organizationId,
    ...base,
    metadata: { ...cp },
    occurredAt: new Date(cp.sealedAt),
    recordedAt: now,
    context: {},
    idempotencyKey: null,
    idem: key,
    tokens: searchTokens(base),
  };
  const [result] = await deps.store.events.insertForWorkspace(ws._id, [doc]);
  await deps.store.checkpoints.setHead({ _id: cp.workspaceId, number: cp.number, nextClaim, announced: true });
  if (result?.created) deps.waker.notify(ws, [doc.category]);
}
