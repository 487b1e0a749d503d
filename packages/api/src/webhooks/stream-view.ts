import { hasEntitlement } from '@audit/shared';
import type { WebhookDoc, WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import type { StreamView } from './webhook-view.ts';

/**
 * A destination's stream as a person reads it: state, how far it got, how far behind it is. All
 * from `_id` reads (the stream, its open batch, the claim at its position, the workspace).
 */
export async function streamViewOf(deps: ApiDeps, ws: WorkspaceDoc, hook: WebhookDoc): Promise<StreamView | null> {
  const stream = await deps.store.streams.find(ws._id, hook._id);
  if (!stream) return null;
  const now = deps.clock();
  const fresh = (await deps.store.workspaces.findById(ws._id)) ?? ws;
  const lastSeq = (await deps.store.streamHeads.lastSeqs([fresh])).get(ws._id) ?? 0;
  const backlog = Math.max(0, lastSeq - stream.next.seq + 1);
  const open = stream.open ? await deps.store.deliveries.findForWorkspace(ws._id, stream.open.deliveryId) : null;
  let lagSeconds = 0;
  if (backlog > 0) {
    const claim = await deps.store.streamLog.resolve(ws._id, stream.next.claim, now);
    const head = claim && claim !== 'open' ? (claim.claim.events.find((e) => e.seq >= stream.next.seq) ?? null) : null;
    const since = head?.recordedAt ?? (claim && claim !== 'open' ? null : stream.idleSince);
    lagSeconds = since ? Math.max(0, Math.round((now.getTime() - since.getTime()) / 100) / 10) : 0;
  }
  const state: StreamView['state'] = !hook.enabled
    ? 'disabled'
    : !hasEntitlement(fresh.plan, 'webhooks')
      ? 'paused'
      : open && open.status === 'pending' && open.attempts > 0
        ? 'retrying'
        : 'running';
  return {
    state,
    deliveredThrough: stream.deliveredThrough
      ? { seq: stream.deliveredThrough.seq, recordedAt: stream.deliveredThrough.recordedAt.toISOString() }
      : null,
    backlog,
    lagSeconds,
    nextAttemptAt: open?.status === 'pending' && open.attempts > 0 ? (open.nextAttemptAt?.toISOString() ?? null) : null,
    lastDelivery: stream.lastDelivery
      ? {
          at: stream.lastDelivery.at.toISOString(),
          status: stream.lastDelivery.status,
          responseStatus: stream.lastDelivery.responseStatus,
        }
      : null,
  };
}
