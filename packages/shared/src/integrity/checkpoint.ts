import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical.ts';
import type { SeqRanges } from './seq-ranges.ts';

export interface CheckpointHeader {
  id: string; // chk_…
  workspaceId: string;
  /** 1, 2, 3… per workspace. */
  number: number;
  /** Events covered. */
  count: number;
  /** Exactly the seqs covered. */
  seqs: SeqRanges;
  /** The span of sequence numbers this checkpoint closes, inclusive: a number in [from, through] not in seqs was never used. */
  from: number;
  through: number;
  /** Hex merkleRoot of the covered events' hashes in seq order. */
  root: string;
  /** checkpointHash of number - 1; null for number 1. */
  previous: string | null;
  /** ISO time. */
  sealedAt: string;
  keyId: string;
}

export interface Checkpoint extends CheckpointHeader {
  /** Base64 Ed25519 signature over checkpointSigningInput. */
  signature: string;
}

export interface PurgeRecordHeader {
  id: string; // prg_…
  workspaceId: string;
  runId: string;
  /** ISO time. */
  cutoff: string;
  /** The seqs removed. */
  seqs: SeqRanges;
  count: number;
  createdAt: string;
  keyId: string;
}

export interface PurgeRecord extends PurgeRecordHeader {
  signature: string;
}

const seq = z.number().int().nonnegative();
const SeqRangesSchema = z.array(z.object({ first: seq, last: seq }));

/** Parses a Checkpoint (extra keys such as `type` or `leaves` are dropped). */
export const CheckpointSchema = z.object({
  id: z.string().min(1),
  workspaceId: z.string().min(1),
  number: z.number().int().positive(),
  count: z.number().int().nonnegative(),
  seqs: SeqRangesSchema,
  from: seq,
  through: seq,
  // Hex strings, not pattern-checked: a verifier reports a wrong value as a finding, not a parse error.
  root: z.string(),
  previous: z.string().nullable(),
  sealedAt: z.string(),
  keyId: z.string().min(1),
  signature: z.string(),
});

export const PurgeRecordSchema = z.object({
  id: z.string().min(1),
  workspaceId: z.string().min(1),
  runId: z.string(),
  cutoff: z.string(),
  seqs: SeqRangesSchema,
  count: z.number().int().nonnegative(),
  createdAt: z.string(),
  keyId: z.string().min(1),
  signature: z.string(),
});

/** The header fields only, so that extra properties of a stored or exported copy never change a hash. */
export function checkpointHeaderOf(c: CheckpointHeader): CheckpointHeader {
  const { id, workspaceId, number, count, seqs, from, through, root, previous, sealedAt, keyId } = c;
  return { id, workspaceId, number, count, seqs, from, through, root, previous, sealedAt, keyId };
}

/** The text that is signed: canonical JSON of the eleven header fields (no signature). */
export function checkpointSigningInput(h: CheckpointHeader): string {
  return canonicalJson(checkpointHeaderOf(h));
}

/** Hex SHA-256 of the canonical JSON of the whole checkpoint, signature included: what `previous` names. */
export function checkpointHash(c: Checkpoint): string {
  return createHash('sha256')
    .update(canonicalJson({ ...checkpointHeaderOf(c), signature: c.signature }), 'utf8')
    .digest('hex');
}

export function purgeHeaderOf(h: PurgeRecordHeader): PurgeRecordHeader {
  const { id, workspaceId, runId, cutoff, seqs, count, createdAt, keyId } = h;
  return { id, workspaceId, runId, cutoff, seqs, count, createdAt, keyId };
}

/** The text a purge record's signature covers: canonical JSON of its header fields. */
export function purgeSigningInput(h: PurgeRecordHeader): string {
  return canonicalJson(purgeHeaderOf(h));
}
