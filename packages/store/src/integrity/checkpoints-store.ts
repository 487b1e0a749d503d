import { Binary, type Collection, type Db } from 'mongodb';
import type { Checkpoint } from '@audit/shared/integrity/checkpoint';
import { isDuplicateKey } from '../mongo.ts';

/**
 * Sealed checkpoints, one chain per workspace. Every read is by `_id` (`<workspaceId>:<number>`),
 * the one filter FerretDB serves from an index: the head names the newest number, a list walks
 * numbers down from it, and "which checkpoint holds seq n" is a binary search over numbers,
 * because consecutive checkpoints cover ascending, disjoint spans of the chain.
 *
 * Checkpoints are never deleted, not even by the retention purge: a checkpoint whose events are
 * all gone keeps the chain unbroken. The leaves (32 bytes per event) live in a collection of their
 * own, so listing and exporting headers never drags them along.
 */
export interface CheckpointDoc extends Checkpoint {
  _id: string;
  /** Where the next checkpoint's walk of the stream log starts (a claim's first number). */
  nextClaim: number;
}

export interface CheckpointLeavesDoc {
  _id: string;
  workspaceId: string;
  /** The covered events' hashes, 32 raw bytes each, in `seq` order. */
  leaves: Binary;
}

/** The newest checkpoint of a workspace: a hint, moved after each insert (see `head`). */
export interface CheckpointHeadDoc {
  _id: string;
  number: number;
  nextClaim: number;
  /** False until the checkpoint's own audit event is recorded (so a crash in between is repaired). */
  announced: boolean;
}

export function checkpointDocId(workspaceId: string, number: number): string {
  return `${workspaceId}:${String(number).padStart(12, '0')}`;
}

export class CheckpointsStore {
  readonly checkpoints: Collection<CheckpointDoc>;
  readonly leaves: Collection<CheckpointLeavesDoc>;
  readonly heads: Collection<CheckpointHeadDoc>;

  constructor(db: Db) {
    this.checkpoints = db.collection<CheckpointDoc>('checkpoints');
    this.leaves = db.collection<CheckpointLeavesDoc>('checkpoint_leaves');
    this.heads = db.collection<CheckpointHeadDoc>('checkpoint_heads');
  }

  /**
   * Stores a checkpoint and its leaves; false when its number is already taken (another sealer
   * won, and its checkpoint stands). Leaves first: a checkpoint is never visible without them.
   */
  async insert(cp: Checkpoint, leafHashes: string[], nextClaim: number): Promise<boolean> {
    const _id = checkpointDocId(cp.workspaceId, cp.number);
    const leaves = new Binary(Buffer.concat(leafHashes.map((h) => Buffer.from(h, 'hex'))));
    await this.leaves.replaceOne({ _id }, { workspaceId: cp.workspaceId, leaves }, { upsert: true });
    try {
      await this.checkpoints.insertOne({ _id, ...cp, nextClaim });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async setHead(head: CheckpointHeadDoc): Promise<void> {
    await this.heads.replaceOne({ _id: head._id }, head, { upsert: true });
  }

  /**
   * The newest checkpoint, from the head moved forward past any checkpoint stored after it (a
   * sealer that stopped between the two writes): the checkpoints themselves are the truth.
   */
  async head(workspaceId: string): Promise<{ checkpoint: CheckpointDoc; announced: boolean } | null> {
    const hint = await this.heads.findOne({ _id: workspaceId });
    let number = hint?.number ?? 0;
    let newest = number > 0 ? await this.get(workspaceId, number) : null;
    for (;;) {
      const next = await this.get(workspaceId, number + 1);
      if (!next) break;
      newest = next;
      number++;
    }
    if (!newest) return null;
    // A head left behind means its sealer stopped early: whether it announced is unknown, and
    // announcing again is harmless (the event's idempotency key finds the first).
    return { checkpoint: newest, announced: hint?.number === newest.number && hint.announced };
  }

  get(workspaceId: string, number: number): Promise<CheckpointDoc | null> {
    if (!Number.isSafeInteger(number) || number < 1) return Promise.resolve(null);
    return this.checkpoints.findOne({ _id: checkpointDocId(workspaceId, number) });
  }

  /** The newest `limit` checkpoints strictly below `before` (or from the newest), newest first. */
  async list(workspaceId: string, opts: { before?: number | undefined; limit: number }): Promise<CheckpointDoc[]> {
    const top = opts.before !== undefined ? opts.before - 1 : ((await this.head(workspaceId))?.checkpoint.number ?? 0);
    const numbers: number[] = [];
    for (let n = top; n >= 1 && numbers.length < opts.limit; n--) numbers.push(n);
    const found = await Promise.all(numbers.map((n) => this.get(workspaceId, n)));
    return found.filter((c): c is CheckpointDoc => c !== null);
  }

  /** The checkpoint whose covered seqs include `seq`, by binary search over numbers. */
  async findCovering(workspaceId: string, seq: number): Promise<CheckpointDoc | null> {
    const newest = await this.head(workspaceId);
    if (!newest) return null;
    let lo = 1;
    let hi = newest.checkpoint.number;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const cp = mid === newest.checkpoint.number ? newest.checkpoint : await this.get(workspaceId, mid);
      if (!cp) return null;
      if (seq < cp.from) hi = mid - 1;
      else if (seq > cp.through) lo = mid + 1;
      else return cp;
    }
    return null;
  }

  async leafHashes(workspaceId: string, number: number): Promise<string[] | null> {
    const doc = await this.leaves.findOne({ _id: checkpointDocId(workspaceId, number) });
    if (!doc) return null;
    const buf = Buffer.from(doc.leaves.buffer);
    const out: string[] = [];
    for (let i = 0; i + 32 <= buf.length; i += 32) out.push(buf.subarray(i, i + 32).toString('hex'));
    return out;
  }

  /** Every checkpoint of a workspace in number order, for exports: one scan, headers only. */
  allForWorkspace(workspaceId: string) {
    return this.checkpoints.find({ workspaceId }).sort({ number: 1 }).batchSize(500);
  }
}

export function stripCheckpointDoc(doc: CheckpointDoc): Checkpoint {
  const { _id: _i, nextClaim: _n, ...cp } = doc;
  return cp;
}
