/**
 * Verifies one workspace's audit log against its signed checkpoints: the small pure module a
 * customer can copy (with canonical.ts, event-hash.ts, merkle.ts, seq-ranges.ts, checkpoint.ts and
 * signing.ts) into their own tooling. No I/O; node:crypto and `canonicalize` only.
 *
 * What verifyLog checks, and the finding each failure yields:
 * - Checkpoints, taken in `number` order. Each must be signed (Ed25519 over checkpointSigningInput)
 *   by a key in `keys`: a keyId not there is `unknown-key`, a signature that fails is
 *   `bad-signature`. Numbers must be consecutive from the first one given (which may be later
 *   than #1, e.g. with --since, and then its `previous` cannot be checked); #1 names no previous;
 *   every later one's `previous` must equal checkpointHash of the one before. A gap in numbers, a
 *   number given twice (the second copy is ignored), a wrong `previous`, a span [from, through]
 *   that does not start after the previous span's `through`, or a checkpoint of another workspace
 *   is `broken-chain`, naming the later checkpoint.
 * - `seqs` must be normal ranges inside [from, through], count === countRanges(seqs) ===
 *   leaves.length, and the Merkle root of the leaves must be the signed `root`; else `bad-root`.
 *   When the leaves cannot be mapped onto seqs at all, that checkpoint's events are counted as
 *   unsealed (the `bad-root` finding already fails the log).
 * - Purge records must be signed like checkpoints (same findings, no checkpoint number); records
 *   of other workspaces are ignored. A covered seq without an event is `purged` (counted, no
 *   finding) when a valid purge record lists it, else `missing`.
 * - Events. Another workspace's event is `inserted`. A covered seq: the event hash is recomputed
 *   (the stored `hash` field is never trusted, only mentioned) and compared with the leaf; equal
 *   is sealed. When it differs, the event is `reordered` if hashing it with the seq of another
 *   unexplained position (a mismatching or missing seq) yields that position's leaf, else
 *   `modified`. Of two events with one seq, the one matching the leaf is sealed and the other
 *   `inserted` (or `reordered`). An event whose seq lies inside a checkpoint's span but is not
 *   covered, or between two consecutive checkpoints' spans, is `inserted` (or `reordered`). An
 *   event before the first checkpoint's span or after the last one's is unsealed (counted).
 *   Reorder detection is bounded to REORDER_BUDGET extra hashes.
 * - Held copies (from the customer's SIEM): each must be identical (checkpointHash) to the
 *   service's checkpoint of that number; different, or absent from the service, is `rewritten`.
 * ok is findings.length === 0.
 */
import {
  checkpointHash,
  checkpointHeaderOf,
  checkpointSigningInput,
  purgeSigningInput,
  type Checkpoint,
  type PurgeRecord,
} from './checkpoint.ts';
import { canonicalJson } from './canonical.ts';
import { eventHash, type HashableEvent } from './event-hash.ts';
import { merkleRootOfHexLeaves } from './merkle.ts';
import { countRanges, expandRanges, inRanges, isNormalRanges, type SeqRanges } from './seq-ranges.ts';
import { verifyText } from './signing.ts';

export interface VerifyInput {
  workspaceId: string;
  events: (HashableEvent & { hash?: string | null })[];
  /** `leaves`: the covered event hashes in seq order, hex. */
  checkpoints: (Checkpoint & { leaves: string[] })[];
  purges: PurgeRecord[];
  keys: { keyId: string; publicKey: string }[];
  /** Copies from the customer's SIEM. */
  held?: Checkpoint[];
}

export type FindingKind =
  | 'modified'
  | 'missing'
  | 'inserted'
  | 'reordered'
  | 'bad-signature'
  | 'broken-chain'
  | 'unknown-key'
  | 'bad-root'
  | 'rewritten';

export interface Finding {
  kind: FindingKind;
  eventId?: string;
  seq?: number;
  checkpoint?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  findings: Finding[];
  counts: {
    events: number;
    sealed: number;
    unsealed: number;
    purged: number;
    checkpoints: number;
    purgeRecords: number;
  };
}

type Event = VerifyInput['events'][number];
type Sealed = VerifyInput['checkpoints'][number];
interface Position {
  seq: number;
  leaf: string;
  checkpoint: number;
  hadEvent: boolean;
  explained: boolean;
}
interface Candidate {
  event: Event;
  hash: string | null;
  at?: Position;
  fallback: 'modified' | 'inserted' | 'unsealed';
  why: string;
}

export const REORDER_BUDGET = 100_000;
const HEX32 = /^[0-9a-f]{64}$/;

function hashOf(e: Event, seq?: number): string | null {
  try {
    return eventHash(seq === undefined ? e : { ...e, seq });
  } catch {
    return null;
  }
}

/** Why a checkpoint's seqs, count and leaves do not add up to its root; `usable` says whether leaves map onto seqs. */
function rootProblem(c: Sealed): { problem: string | null; usable: boolean } {
  if (!isNormalRanges(c.seqs)) return { problem: 'seqs are not ascending, separate ranges', usable: false };
  const n = countRanges(c.seqs);
  if (!Array.isArray(c.leaves) || c.leaves.length !== n)
    return { problem: `seqs cover ${n} events but ${c.leaves?.length ?? 0} leaves are given`, usable: false };
  if (!c.leaves.every((l) => HEX32.test(l))) return { problem: 'a leaf is not a hex SHA-256 hash', usable: false };
  const first = c.seqs[0]?.first;
  const last = c.seqs[c.seqs.length - 1]?.last;
  if (c.from > c.through || (first !== undefined && first < c.from) || (last !== undefined && last > c.through))
    return { problem: `seqs lie outside its span [${c.from}, ${c.through}]`, usable: true };
  if (c.count !== n) return { problem: `count is ${c.count} but seqs cover ${n}`, usable: true };
  const root = merkleRootOfHexLeaves(c.leaves).toString('hex');
  if (root !== c.root) return { problem: `its leaves hash to ${root}, not the signed root ${c.root}`, usable: true };
  return { problem: null, usable: true };
}

function storedNote(e: Event, recomputed: string | null, leaf: string): string {
  if (recomputed === null) return ' (its fields cannot be hashed)';
  if (e.hash == null || e.hash === recomputed) return e.hash == null ? '' : '; its stored hash was changed to match';
  return e.hash === leaf
    ? '; its stored hash still equals the sealed one'
    : `; its stored hash ${e.hash} matches neither`;
}

export function verifyLog(input: VerifyInput): VerifyReport {
  const chainFindings: Finding[] = [];
  const eventFindings: Finding[] = [];
  const counts = {
    events: input.events.length,
    sealed: 0,
    unsealed: 0,
    purged: 0,
    checkpoints: input.checkpoints.length,
    purgeRecords: input.purges.length,
  };
  const keys = new Map(input.keys.map((k) => [k.keyId, k.publicKey]));
  const signed = (what: string, keyId: string, text: string, signature: string, at: { checkpoint?: number }) => {
    const publicKey = keys.get(keyId);
    if (publicKey === undefined)
      chainFindings.push({
        kind: 'unknown-key',
        ...at,
        message: `${what} is signed with key ${keyId}, which is not among the published keys`,
      });
    else if (!verifyText(text, signature, publicKey))
      chainFindings.push({
        kind: 'bad-signature',
        ...at,
        message: `${what}: the signature does not verify with key ${keyId}`,
      });
    else return true;
    return false;
  };

  // Checkpoints: signature, chain, spans, root.
  const sorted = [...input.checkpoints].sort((a, b) => a.number - b.number);
  const chain: { c: Sealed; usable: boolean }[] = [];
  for (const c of sorted) {
    const at = { checkpoint: c.number };
    const broken = (message: string) => chainFindings.push({ kind: 'broken-chain', ...at, message });
    if (c.workspaceId !== input.workspaceId) {
      broken(`checkpoint #${c.number} (${c.id}) belongs to workspace ${c.workspaceId}, not ${input.workspaceId}`);
      continue;
    }
    const prev = chain[chain.length - 1]?.c;
    if (prev && prev.number === c.number) {
      broken(`checkpoint #${c.number} appears twice (${prev.id}, ${c.id}); the second copy is ignored`);
      continue;
    }
    signed(`checkpoint #${c.number}`, c.keyId, checkpointSigningInput(c), c.signature, at);
    if (!prev) {
      if (c.number === 1 && c.previous !== null) broken('checkpoint #1 names a previous checkpoint');
    } else if (c.number !== prev.number + 1) {
      broken(
        `checkpoint${c.number - prev.number > 2 ? `s #${prev.number + 1}–#${c.number - 1} are` : ` #${prev.number + 1} is`} missing before #${c.number}`,
      );
    } else {
      const expected = checkpointHash(prev);
      if (c.previous !== expected)
        broken(`checkpoint #${c.number} names previous ${c.previous}, but #${prev.number} hashes to ${expected}`);
    }
    if (prev && c.from <= prev.through)
      broken(
        `checkpoint #${c.number}'s span [${c.from}, ${c.through}] overlaps #${prev.number}'s [${prev.from}, ${prev.through}]`,
      );
    const { problem, usable } = rootProblem(c);
    if (problem)
      chainFindings.push({
        kind: 'bad-root',
        ...at,
        message: `checkpoint #${c.number}: ${problem}${usable ? '' : '; its events cannot be checked'}`,
      });
    chain.push({ c, usable });
  }

  // Purge records.
  const purged: SeqRanges[] = [];
  for (const p of input.purges) {
    if (p.workspaceId !== input.workspaceId) continue;
    if (signed(`purge record ${p.id}`, p.keyId, purgeSigningInput(p), p.signature, {}) && isNormalRanges(p.seqs))
      purged.push(p.seqs);
  }

  // Events at covered positions.
  const bySeq = new Map<number, Event[]>();
  for (const e of input.events) {
    if (e.workspaceId !== input.workspaceId) {
      eventFindings.push({
        kind: 'inserted',
        eventId: e.id,
        seq: e.seq,
        message: `event ${e.id} (seq ${e.seq}) belongs to workspace ${e.workspaceId}, not ${input.workspaceId}`,
      });
      continue;
    }
    const list = bySeq.get(e.seq);
    if (list) list.push(e);
    else bySeq.set(e.seq, [e]);
  }
  const open: Position[] = [];
  const candidates: Candidate[] = [];
  for (const { c, usable } of chain) {
    if (!usable) continue;
    const seqs = expandRanges(c.seqs);
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      const leaf = c.leaves[i]!;
      const events = bySeq.get(seq);
      bySeq.delete(seq);
      if (!events) {
        if (purged.some((r) => inRanges(r, seq))) counts.purged++;
        else open.push({ seq, leaf, checkpoint: c.number, hadEvent: false, explained: false });
        continue;
      }
      if (events.length === 1 && hashOf(events[0]!) === leaf) {
        counts.sealed++; // the common case, without allocations
        continue;
      }
      const hashes = events.map((e) => hashOf(e));
      const match = hashes.indexOf(leaf);
      if (match >= 0) counts.sealed++;
      const at: Position = { seq, leaf, checkpoint: c.number, hadEvent: true, explained: match >= 0 };
      if (match < 0) open.push(at);
      events.forEach((event, j) => {
        if (j === match) return;
        const why =
          match >= 0 ? `a second event with seq ${seq}, sealed in checkpoint #${c.number} as ${events[match]!.id}` : '';
        candidates.push({ event, hash: hashes[j]!, at, fallback: match >= 0 ? 'inserted' : 'modified', why });
      });
    }
  }

  // Events at positions no checkpoint covers.
  const spans = chain.map((x) => x.c);
  for (const events of bySeq.values()) {
    for (const event of events) {
      const seq = event.seq;
      let lo = 0;
      let hi = spans.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (spans[mid]!.from <= seq) lo = mid + 1;
        else hi = mid - 1;
      }
      const before = spans[hi]; // the last span starting at or below seq
      const after = spans[hi + 1];
      if (before && seq <= before.through) {
        if (!chain[hi]!.usable) counts.unsealed++;
        else
          candidates.push({
            event,
            hash: null,
            fallback: 'inserted',
            why: `seq ${seq} lies in checkpoint #${before.number}'s span [${before.from}, ${before.through}] but is not among its seqs`,
          });
      } else if (before && after && after.number === before.number + 1) {
        candidates.push({
          event,
          hash: null,
          fallback: 'inserted',
          why: `seq ${seq} lies between checkpoints #${before.number} and #${after.number}, which do not cover it`,
        });
      } else {
        candidates.push({ event, hash: null, fallback: 'unsealed', why: '' });
      }
    }
  }

  // Reordering: does a mismatching or uncovered event belong at another unexplained position?
  let budget = REORDER_BUDGET;
  const unexplained = open.filter((p) => !p.explained);
  for (const cand of candidates) {
    const { event } = cand;
    let home: Position | undefined;
    for (const p of unexplained) {
      if (budget <= 0) break;
      if (p.explained || p.seq === event.seq) continue;
      budget--;
      if (hashOf(event, p.seq) === p.leaf) {
        home = p;
        break;
      }
    }
    if (home) {
      home.explained = true;
      eventFindings.push({
        kind: 'reordered',
        eventId: event.id,
        seq: event.seq,
        checkpoint: home.checkpoint,
        message: `event ${event.id} has seq ${event.seq}, but checkpoint #${home.checkpoint} sealed it at seq ${home.seq}`,
      });
    } else if (cand.fallback === 'unsealed') {
      counts.unsealed++;
    } else if (cand.fallback === 'inserted') {
      eventFindings.push({
        kind: 'inserted',
        eventId: event.id,
        seq: event.seq,
        ...(cand.at ? { checkpoint: cand.at.checkpoint } : {}),
        message: `event ${event.id}: ${cand.why}`,
      });
    } else {
      const at = cand.at!;
      eventFindings.push({
        kind: 'modified',
        eventId: event.id,
        seq: event.seq,
        checkpoint: at.checkpoint,
        message: `event ${event.id} (seq ${event.seq}) hashes to ${cand.hash ?? '(unhashable)'}, not the ${at.leaf} checkpoint #${at.checkpoint} sealed${storedNote(event, cand.hash, at.leaf)}`,
      });
    }
  }
  for (const p of open) {
    if (!p.hadEvent && !p.explained)
      eventFindings.push({
        kind: 'missing',
        seq: p.seq,
        checkpoint: p.checkpoint,
        message: `seq ${p.seq}, sealed in checkpoint #${p.checkpoint}, has no event and no purge record lists it`,
      });
  }
  eventFindings.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));

  // What the customer holds.
  const heldFindings: Finding[] = [];
  const byNumber = new Map(spans.map((c) => [c.number, c]));
  const seen = new Set<string>();
  for (const h of input.held ?? []) {
    if (h.workspaceId !== input.workspaceId) continue;
    const hash = checkpointHash(h);
    if (seen.has(`${h.number}:${hash}`)) continue;
    seen.add(`${h.number}:${hash}`);
    const svc = byNumber.get(h.number);
    if (!svc) {
      heldFindings.push({
        kind: 'rewritten',
        checkpoint: h.number,
        message: `checkpoint #${h.number} held by you is missing from the service`,
      });
    } else if (checkpointHash(svc) !== hash) {
      const mine = { ...checkpointHeaderOf(h), signature: h.signature } as Record<string, unknown>;
      const theirs = { ...checkpointHeaderOf(svc), signature: svc.signature } as Record<string, unknown>;
      const fields = Object.keys(mine).filter(
        (k) => canonicalJson(mine[k] ?? null) !== canonicalJson(theirs[k] ?? null),
      );
      heldFindings.push({
        kind: 'rewritten',
        checkpoint: h.number,
        message: `checkpoint #${h.number} differs from the copy you hold (${fields.join(', ')})`,
      });
    }
  }

  const findings = [...chainFindings, ...eventFindings, ...heldFindings];
  return { ok: findings.length === 0, findings, counts };
}
