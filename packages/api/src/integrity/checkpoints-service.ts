import type { Checkpoint } from '@audit/shared/integrity/checkpoint';
import { inclusionPath } from '@audit/shared/integrity/merkle';
import { indexInRanges } from '@audit/shared/integrity/seq-ranges';
import { stripCheckpointDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
import type { Proof } from './integrity-output.ts';

export interface CheckpointPage {
  items: Checkpoint[];
  nextCursor: string | null;
}

/** The cursor is the number of the last checkpoint shown: the next page starts below it. */
export async function listCheckpoints(
  deps: ApiDeps,
  workspaceId: string,
  input: { cursor?: string | undefined; limit?: number | undefined },
): Promise<CheckpointPage> {
  const limit = input.limit ?? 50;
  let before: number | undefined;
  if (input.cursor !== undefined) {
    if (!/^[1-9]\d{0,11}$/.test(input.cursor))
      throw invalidField(['cursor'], 'must be a cursor returned by checkpoints.list');
    before = Number(input.cursor);
  }
  const docs = await deps.store.checkpoints.list(workspaceId, { before, limit });
  const last = docs[docs.length - 1];
  return {
    items: docs.map(stripCheckpointDoc),
    nextCursor: docs.length === limit && last && last.number > 1 ? String(last.number) : null,
  };
}

export async function getCheckpoint(deps: ApiDeps, workspaceId: string, number: number): Promise<Checkpoint> {
  const doc = await deps.store.checkpoints.get(workspaceId, number);
  if (!doc) throw notFound('checkpoint', `#${number}`);
  return stripCheckpointDoc(doc);
}

/**
 * The event's inclusion proof: the checkpoint whose span holds its seq (a binary search by `_id`)
 * and the RFC 6962 audit path from its leaf to that checkpoint's root, computed from the stored
 * leaves. Not sealed yet is an answer, not an error: sealing runs every CHECKPOINT_INTERVAL.
 */
export async function proveEvent(deps: ApiDeps, workspaceId: string, id: string): Promise<Proof> {
  const event = await deps.store.events.findForWorkspace(workspaceId, id);
  if (!event) throw notFound('event', id);
  const base = { eventId: event._id, seq: event.seq, hash: event.hash ?? null };
  const doc = await deps.store.checkpoints.findCovering(workspaceId, event.seq);
  if (!doc) return { ...base, sealed: false };
  const leaves = await deps.store.checkpoints.leafHashes(workspaceId, doc.number);
  const leafIndex = indexInRanges(doc.seqs, event.seq);
  // A seq inside the span but not covered was never used by a sealed event: this event was not sealed.
  if (!leaves || leafIndex === null) return { ...base, sealed: false };
  return {
    ...base,
    sealed: true,
    checkpoint: stripCheckpointDoc(doc),
    leafIndex,
    treeSize: leaves.length,
    path: inclusionPath(leaves, leafIndex),
  };
}
