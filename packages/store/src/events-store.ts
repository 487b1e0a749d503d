import type { Collection, Db, Filter, FindCursor } from 'mongodb';
import type { EventDoc, WorkspaceDoc } from './documents.ts';
import { isDuplicateKey } from './mongo.ts';
import { findOwned } from './tenant-lookup.ts';

/** An event ready to insert, without its `seq`, which the store assigns. */
export type NewEvent = Omit<EventDoc, 'seq'>;

/** Each conflict means another writer was handed the same seqs; under heavy contention a few dozen suffice. */
const MAX_SEQ_CONFLICTS = 50;

export interface ListQuery {
  limit: number;
  /** Keyset position: only events strictly older than this `(recordedAt, id)`. */
  before?: { recordedAt: Date; id: string } | undefined;
  /** Keyset position the other way: only strictly newer events, returned oldest first. */
  after?: { recordedAt: Date; id: string } | undefined;
  /** Extra conditions (search, categories, time range), built by the caller from a parsed query. */
  filter?: Filter<EventDoc> | undefined;
}

/**
 * The audit log itself. Append-only by construction: there is insert and read, and the single
 * delete is the retention purge's, bounded by a cut-off the caller computed from the plan table.
 */
export class EventsStore {
  readonly col: Collection<EventDoc>;
  private readonly workspaces: Collection<WorkspaceDoc>;
  private readonly seqQueue = new Map<string, Promise<number>>();

  constructor(db: Db) {
    this.col = db.collection<EventDoc>('events');
    this.workspaces = db.collection<WorkspaceDoc>('workspaces');
  }

  /**
   * Inserts events of one workspace, in order. Events whose idempotency key is already stored
   * (before, earlier in this batch, or by a concurrent retry) come back as the stored event.
   *
   * Stored keys are looked up only after the unique index refuses one, not before every insert:
   * FerretDB's SQLite backend scans the whole collection for any query but `_id` equality, so a
   * look-up first made ingest slow down with the size of the log. A retried event therefore
   * leaves the numbers reserved for it unused: `seq` can skip, never repeat.
   */
  async insertForWorkspace(workspaceId: string, events: NewEvent[]): Promise<{ event: EventDoc; created: boolean }[]> {
    const existing = new Map<string, EventDoc>();
    const inserted = new Map<string, EventDoc>();
    const seen = new Set<string>();
    let pending = events.filter((e) => !seen.has(e.idem) && seen.add(e.idem));
    for (let seqConflicts = 0; pending.length > 0; ) {
      const last = await this.takeSeq(workspaceId, pending.length);
      const docs: EventDoc[] = pending.map((e, i) => ({ ...e, seq: last - pending.length + 1 + i }));
      const stoppedAt = await this.insertInOrder(docs);
      for (const d of docs.slice(0, stoppedAt)) inserted.set(d.idem, d);
      const rest = docs.slice(stoppedAt);
      if (rest.length === 0) break;
      // The first of the rest was refused for its idempotency key (stored before: return that
      // event) or for its seq: FerretDB's $inc is not atomic, so two writers can be handed the
      // same numbers. The unique index keeps seqs unique; the loser moves past its range.
      for (const doc of await this.col.find({ workspaceId, idem: { $in: rest.map((d) => d.idem) } }).toArray()) existing.set(doc.idem, doc);
      if (!existing.has(rest[0]!.idem)) {
        if (++seqConflicts >= MAX_SEQ_CONFLICTS) throw new Error(`could not reserve sequence numbers in workspace ${workspaceId} after ${seqConflicts} conflicts`);
        await this.workspaces.updateOne({ _id: workspaceId }, { $max: { eventSeq: last } });
      }
      pending = rest.filter((d) => !existing.has(d.idem)).map(({ seq: _seq, ...e }) => e);
    }
    return events.map((e) => {
      const mine = inserted.get(e.idem);
      if (mine && mine._id === e._id) return { event: mine, created: true };
      const found = existing.get(e.idem) ?? mine;
      if (!found) throw new Error(`event with idempotency key ${e.idem} was neither inserted nor found`);
      return { event: found, created: false };
    });
  }

  /**
   * Inserts in order and stops at the first duplicate key, so a batch's seqs stay in its order.
   * Returns how many were inserted; any other error is thrown.
   */
  private async insertInOrder(docs: EventDoc[]): Promise<number> {
    try {
      await this.col.insertMany(docs, { ordered: true });
      return docs.length;
    } catch (err) {
      const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
      const list = Array.isArray(writeErrors) ? (writeErrors as { index: number; code: number }[]) : [];
      if (list.length === 0 || list.some((w) => w.code !== 11000)) throw err;
      return Math.min(...list.map((w) => w.index));
    }
  }

  /**
   * Reserves `n` sequence numbers and returns the last one. One reservation per workspace at a
   * time in this process: FerretDB reads and writes an `$inc` separately, so concurrent ones hand
   * out the same numbers, and every such conflict costs a collection scan to tell it from an
   * idempotent retry. Other processes can still collide; the unique index settles those.
   */
  private takeSeq(workspaceId: string, n: number): Promise<number> {
    const next = (this.seqQueue.get(workspaceId) ?? Promise.resolve(0)).catch(() => 0).then(() => this.incrementSeq(workspaceId, n));
    this.seqQueue.set(workspaceId, next);
    const forget = () => {
      if (this.seqQueue.get(workspaceId) === next) this.seqQueue.delete(workspaceId);
    };
    next.then(forget, forget);
    return next;
  }

  private async incrementSeq(workspaceId: string, n: number): Promise<number> {
    const ws = await this.workspaces.findOneAndUpdate(
      { _id: workspaceId },
      { $inc: { eventSeq: n } },
      { returnDocument: 'after' },
    );
    if (!ws) throw new Error(`workspace ${workspaceId} does not exist`);
    return ws.eventSeq;
  }

  findForWorkspace(workspaceId: string, id: string): Promise<EventDoc | null> {
    return findOwned(this.col, id, { workspaceId });
  }

  /**
   * Newest first over the given workspaces (oldest first when paging back with `after`); the
   * caller has already checked they are the tenant's.
   */
  listForWorkspaces(workspaceIds: string[], q: ListQuery): Promise<EventDoc[]> {
    const dir = q.after ? 1 : -1;
    return this.col
      .find(keysetFilter(workspaceIds, q))
      .sort({ recordedAt: dir, _id: dir })
      .limit(q.limit)
      .toArray();
  }

  /**
   * Every match, newest first, as one server cursor read in batches: the export holds one batch
   * in memory however many events match.
   */
  streamForWorkspaces(workspaceIds: string[], q: Omit<ListQuery, 'limit' | 'after'>, batchSize = 1000): FindCursor<EventDoc> {
    return this.col.find(keysetFilter(workspaceIds, q)).sort({ recordedAt: -1, _id: -1 }).batchSize(batchSize);
  }

  countForWorkspace(workspaceId: string): Promise<number> {
    return this.col.countDocuments({ workspaceId });
  }

  oldestForWorkspace(workspaceId: string): Promise<EventDoc | null> {
    return this.col.find({ workspaceId }).sort({ recordedAt: 1, _id: 1 }).limit(1).next();
  }

  /**
   * The retention purge's delete: at most `limit` events of one workspace recorded before
   * `cutoff`, in no particular order (sorting buys nothing here and costs FerretDB a full
   * in-memory sort per batch; MongoDB walks the same index either way). Returns the ids it looked
   * at (so dependent records can follow) and how many this call removed (a retry after a crash
   * counts only what it removed itself).
   *
   * The ids are then deleted one `{ _id }` statement each, in one round trip: an event never
   * changes, so an id picked by the filter above still matches it. FerretDB resolves only an
   * exact `{ _id }` filter through an index and scans the collection for any other, so a single
   * `{ _id: { $in } }` delete made each batch cost a scan of the whole log (quadratic in N).
   */
  async deleteExpiredBatch(workspaceId: string, cutoff: Date, limit: number): Promise<{ ids: string[]; deleted: number }> {
    const ids = (
      await this.col
        .find({ workspaceId, recordedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray()
    ).map((d) => d._id);
    if (ids.length === 0) return { ids, deleted: 0 };
    const res = await this.col.bulkWrite(
      ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
      { ordered: false },
    );
    return { ids, deleted: res.deletedCount };
  }
}

function keysetFilter(workspaceIds: string[], q: Omit<ListQuery, 'limit'>): Filter<EventDoc> {
  const and: Filter<EventDoc>[] = [{ workspaceId: workspaceIds.length === 1 ? workspaceIds[0]! : { $in: workspaceIds } }];
  if (q.before) {
    and.push({ $or: [{ recordedAt: { $lt: q.before.recordedAt } }, { recordedAt: q.before.recordedAt, _id: { $lt: q.before.id } }] });
  }
  if (q.after) {
    and.push({ $or: [{ recordedAt: { $gt: q.after.recordedAt } }, { recordedAt: q.after.recordedAt, _id: { $gt: q.after.id } }] });
  }
  if (q.filter) and.push(q.filter);
  return and.length === 1 ? and[0]! : { $and: and };
}
