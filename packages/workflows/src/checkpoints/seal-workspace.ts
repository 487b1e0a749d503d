import { newId } from '@audit/shared';
import {
  checkpointHash,
  checkpointSigningInput,
  type Checkpoint,
  type CheckpointHeader,
} from '@audit/shared/integrity/checkpoint';
import { merkleRoot } from '@audit/shared/integrity/merkle';
import { toRanges } from '@audit/shared/integrity/seq-ranges';
import { signText, type SigningKey } from '@audit/shared/integrity/signing';
import { eventHashOf, stripCheckpointDoc, type Store } from '@audit/store';

export interface SealDeps {
  store: Store;
  key: SigningKey;
  clock: () => Date;
}

/** Events per checkpoint at most (plus the rest of the last claim): 320 KiB of leaves. */
export const MAX_CHECKPOINT_EVENTS = 10_000;

/** The category of the service's own marks: a checkpoint holding nothing else is not sealed. */
const OWN_CATEGORY = 'audit';

/** `nextClaim`: where the next checkpoint's walk starts, stored with this one. */
export type SealOutcome = { sealed: Checkpoint; nextClaim: number } | { sealed: null; reason: 'nothing-new' | 'raced' };

/**
 * Seals the next checkpoint of one workspace: every event of the stream log after the previous
 * checkpoint, claim by claim, up to the stable watermark, which is the first claim still being
 * written (a writer's claim younger than the roll-forward grace; an older one is rolled forward
 * by `resolve`, so an event committed late, out of `seq` order, is waited for, never passed over).
 *
 * Checkpoints cover whole claims and the next one starts where this one ends, so every event is
 * in exactly one; two sealers racing for the same number are settled by its unique `_id`.
 */
export async function sealNext(
  deps: SealDeps,
  workspaceId: string,
  maxEvents = MAX_CHECKPOINT_EVENTS,
): Promise<SealOutcome> {
  const { store } = deps;
  const now = deps.clock();
  const prev = await store.checkpoints.head(workspaceId);
  let pos = prev?.checkpoint.nextClaim ?? 1;
  let from: number | null = null;
  let through = 0;
  const hashes: string[] = [];
  const seqs: number[] = [];
  let ownOnly = true;
  while (hashes.length < maxEvents) {
    const r = await store.streamLog.resolve(workspaceId, pos, now);
    if (r === null || r === 'open') break;
    const { claim, unused } = r;
    from ??= claim.first;
    for (const e of claim.events) {
      if (unused.has(e.seq)) continue;
      hashes.push(e.hash ?? eventHashOf(e));
      seqs.push(e.seq);
      if (e.category !== OWN_CATEGORY) ownOnly = false;
    }
    through = claim.last;
    pos = claim.last + 1;
  }
  // Only the previous checkpoint's own event (or nothing): sealing it would beget the next one
  // forever. It goes into the checkpoint after the next real event.
  if (from === null || ownOnly) return { sealed: null, reason: 'nothing-new' };
  const header: CheckpointHeader = {
    id: newId('checkpoint', now.getTime()),
    workspaceId,
    number: (prev?.checkpoint.number ?? 0) + 1,
    count: hashes.length,
    seqs: toRanges(seqs),
    from,
    through,
    root: merkleRoot(hashes),
    previous: prev ? checkpointHash(stripCheckpointDoc(prev.checkpoint)) : null,
    sealedAt: now.toISOString(),
    keyId: deps.key.keyId,
  };
  const cp: Checkpoint = { ...header, signature: signText(checkpointSigningInput(header), deps.key) };
  if (!(await store.checkpoints.insert(cp, hashes, pos))) return { sealed: null, reason: 'raced' };
  await store.checkpoints.setHead({ _id: workspaceId, number: cp.number, nextClaim: pos, announced: false });
  return { sealed: cp, nextClaim: pos };
}
