// @ts-check
// One event's tamper evidence, checked where the reader is: its hash recomputed from what the
// API returned, its inclusion in the checkpoint's Merkle root, and the checkpoint's signature
// under a published key. No DOM, no network: the caller brings the proof and the keys.
import { Ed25519Unsupported, verifyCheckpointSignature } from './checkpoint-signature.js';
import { eventHash } from './event-hash.js';
import { rootFromInclusion } from './merkle.js';

/**
 * @typedef {{ eventId: string, hash: string | null, seq: number, sealed: false }
 *   | { eventId: string, hash: string | null, seq: number, sealed: true, checkpoint: import('./checkpoint-signature.js').Checkpoint, leafIndex: number, treeSize: number, path: string[] }} Proof
 * @typedef {{ keyId: string, publicKey: string, algorithm?: string, status?: string }} PublishedKey
 * @typedef {import('./event-hash.js').HashableEvent & { hash?: string | null }} ProvenEvent
 * @typedef {{ state: 'unsealed' | 'verified' | 'failed' | 'unverified', text: string, problems: string[] }} Verdict
 *   unverified: nothing failed, but the signature could not be checked here
 */

export const UNSEALED = 'Not sealed yet: events are sealed into a signed checkpoint within about a minute';

/**
 * @param {ProvenEvent} event as events.get returned it
 * @param {Proof} proof as events.proof returned it
 * @param {PublishedKey[] | null} keys the published keys; null when they could not be loaded
 * @param {{ canonicalize: import('./event-hash.js').Canonicalize, subtle: SubtleCrypto, showTime?: (iso: string) => string }} o
 * @returns {Promise<Verdict>}
 */
export async function verifyProof(event, proof, keys, o) {
  const showTime = o.showTime ?? String;
  const recomputed = await eventHash(event, o.canonicalize, o.subtle);
  // The stored hash (in the proof and on the event) must be the contents' own. An event stored
  // before hashing has none: its recomputed hash stands alone, as the sealing pass used it.
  const hashMatches =
    proof.eventId === event.id &&
    proof.seq === event.seq &&
    (proof.hash ?? recomputed) === recomputed &&
    (event.hash ?? recomputed) === recomputed;
  if (!proof.sealed) {
    return {
      state: 'unsealed',
      text: hashMatches ? UNSEALED : `${UNSEALED}; meanwhile its stored hash does not match its contents`,
      problems: hashMatches ? [] : ['event hash does not match its contents'],
    };
  }
  const c = proof.checkpoint;
  /** @type {string[]} */
  const problems = [];
  if (!hashMatches) problems.push('event hash does not match its contents');
  // What is proven is the contents' hash. When that differs from the stored one, the stored one
  // is tried too: still in the root, only the contents changed; not in it, the hash was rewritten.
  const leaf = hashMatches ? recomputed : (proof.hash ?? recomputed);
  const root = await rootFromInclusion(o.subtle, leaf, proof.leafIndex, proof.treeSize, proof.path);
  const placed =
    c.workspaceId === event.workspaceId &&
    proof.treeSize === c.count &&
    positionOf(c.seqs, proof.seq) === proof.leafIndex;
  if (root === null || root !== c.root || !placed) problems.push(`not included in checkpoint #${c.number}'s root`);
  let unsupported = false;
  if (keys === null) {
    unsupported = true;
  } else {
    const key = keys.find((k) => k.keyId === c.keyId);
    if (!key) problems.push(`unknown signing key ${c.keyId}`);
    else {
      try {
        if (!(await verifyCheckpointSignature(c, key.publicKey, o.canonicalize, o.subtle)))
          problems.push('signature does not verify');
      } catch (err) {
        if (!(err instanceof Ed25519Unsupported)) throw err;
        unsupported = true;
      }
    }
  }
  if (problems.length > 0) return { state: 'failed', text: `Verification failed: ${problems.join('; ')}`, problems };
  if (unsupported) {
    const why = keys === null ? 'the published signing keys could not be loaded' : 'this browser cannot verify Ed25519';
    return {
      state: 'unverified',
      text: `Not verified: ${why}. The event's hash and its inclusion in checkpoint #${c.number} check out.`,
      problems: [why],
    };
  }
  return {
    state: 'verified',
    text: `Verified in checkpoint #${c.number}, sealed ${showTime(c.sealedAt)}`,
    problems: [],
  };
}

/**
 * The leaf index of a seq among the seqs a checkpoint covers (inclusive ascending ranges, as
 * `{ first, last }` objects), or -1.
 * @param {{ first: number, last: number }[]} seqs @param {number} seq
 */
export function positionOf(seqs, seq) {
  let before = 0;
  for (const { first: from, last: through } of seqs) {
    if (seq < from) return -1;
    if (seq <= through) return before + (seq - from);
    before += through - from + 1;
  }
  return -1;
}
