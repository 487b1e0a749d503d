import type { Collection, Db, Filter, FindCursor } from 'mongodb';
import type { EventDoc, ExportedEventDoc } from './documents.ts';
import { workspacesWithOlder } from './expired-probe.ts';
import { insertClaimed, type StreamLogStore } from './stream/stream-log-store.ts';
import { isDatabaseUnavailable } from './mongo.ts';
import { findOwned } from './tenant-lookup.ts';

/** An event ready to insert, without its `seq`, which the store assigns. */
export type NewEvent = Omit<EventDoc, 'seq'>;

/**
 * Events per claim: a claim carries its events, and at the limits (16 KiB of metadata, 2,000
 * characters of description) 250 of them stay well under the 16 MiB a document may hold.
 */
const CLAIM_MAX_EVENTS = 250;

/** Ids per purge delete statement: the longest `_id` `$in` FerretDB's tools build answers from the index. */
const DELETE_IDS_PER_STATEMENT = 1_000;

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
  private readonly claimQueue = new Map<string, Promise<void>>();

  constructor(
    db: Db,
    private readonly log: StreamLogStore,
  ) {
    this.col = db.collection<EventDoc>('events');
  }

  /**
   * Inserts events of one workspace, in order. Events whose idempotency key is already stored
   * (before, earlier in this batch, or by a concurrent retry) come back as the stored event.
   *
   * The batch's `seq` range is claimed in the stream log first (see StreamLogStore), so every
   * stored event is in the log that destination streams read, in order, whatever order two
   * processes commit in. Stored keys are looked up only after the unique index refuses one, not
   * before every insert: FerretDB scans the whole collection for any query but `_id` equality.
   * A refused event leaves its number unused: `seq` can skip, never repeat.
   */
  async insertForWorkspace(workspaceId: string, events: NewEvent[]): Promise<{ event: EventDoc; created: boolean }[]> {
    if (events.length === 0) return [];
    const seen = new Set<string>();
    const unique = events.filter((e) => !seen.has(e.idem) && seen.add(e.idem));
    const claimed: EventDoc[] = [];
    const skipped = new Set<number>();
    for (let i = 0; i < unique.length; i += CLAIM_MAX_EVENTS) {
      const part = unique.slice(i, i + CLAIM_MAX_EVENTS);
      const claim = await this.serialized(workspaceId, () => this.log.claim(workspaceId, part, new Date()));
      const unused = await insertClaimed(this.col, claim.events);
      // Neither awaited: the events are stored. A mark that never lands (a crash, a blip) only
      // makes readers roll the claim forward after a few seconds, to the same answer; the head
      // is a hint that follows the chain (see StreamHeadsStore).
      this.log.commit(claim, unused, new Date()).catch(() => undefined);
      this.log.advanceHint(claim);
      claimed.push(...claim.events);
      for (const n of unused) skipped.add(n);
    }
    const inserted = new Map(claimed.filter((d) => !skipped.has(d.seq)).map((d) => [d.idem, d]));
    const existing = new Map<string, EventDoc>();
    const missing = claimed.filter((d) => skipped.has(d.seq)).map((d) => d.idem);
    if (missing.length > 0)
      for (const doc of await this.col.find({ workspaceId, idem: { $in: missing } }).toArray())
        existing.set(doc.idem, doc);
    return events.map((e) => {
      const mine = inserted.get(e.idem);
      if (mine && mine._id === e._id) return { event: mine, created: true };
      const found = existing.get(e.idem) ?? mine;
      if (!found) throw new Error(`event with idempotency key ${e.idem} was neither inserted nor found`);
      return { event: found, created: false };
    });
  }

  /**
   * One claim per workspace at a time in this process: concurrent ones would only collide with
   * each other and walk the chain. Other processes are settled by the claim's unique `_id`.
   */
  private serialized<T>(workspaceId: string, fn: () => Promise<T>): Promise<T> {
    // A claim queued behind one that found the database unreachable fails the same way at once:
    // waiting its own turn, each behind the last one's timeouts, would outlast its caller.
    const next = (this.claimQueue.get(workspaceId) ?? Promise.resolve()).then(fn);
    const tail = next.then(
      () => undefined,
      (err: unknown) => (isDatabaseUnavailable(err) ? Promise.reject(err) : undefined),
    );
    this.claimQueue.set(workspaceId, tail);
    const settled = () => {
      if (this.claimQueue.get(workspaceId) === tail) this.claimQueue.delete(workspaceId);
    };
    void tail.then(settled, settled);
    return next;
  }

  findForWorkspace(workspaceId: string, id: string): Promise<EventDoc | null> {
    return findOwned(this.col, id, { workspaceId });
  }

  /**
   * Newest first over the given workspaces (oldest first when paging back with `after`); the
   * caller has already checked they are the tenant's.
   */
  listForWorkspaces(workspaceIds: string[], q: ListQuery): Promise<EventDoc[]> {
    return this.listCursor(workspaceIds, q).toArray();
  }

  /** The query of one page, for `listForWorkspaces` and for explaining it. */
  listCursor(workspaceIds: string[], q: ListQuery): FindCursor<EventDoc> {
    const dir = q.after ? 1 : -1;
    return this.col.find(keysetFilter(workspaceIds, q)).sort({ recordedAt: dir, _id: dir }).limit(q.limit);
  }

  /**
   * Every match, newest first, as one server cursor read in batches: the export holds one batch
   * in memory however many events match.
   */
  streamForWorkspaces(
    workspaceIds: string[],
    q: Omit<ListQuery, 'limit' | 'after'>,
    batchSize = 1000,
  ): FindCursor<ExportedEventDoc> {
    // The search words are a third of a stored event and no export writes them.
    return this.col
      .find(keysetFilter(workspaceIds, q), { projection: { tokens: 0, idem: 0 } })
      .sort({ recordedAt: -1, _id: -1 })
      .batchSize(batchSize) as FindCursor<ExportedEventDoc>;
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
   * The ids are then deleted by `{ workspaceId, _id: { $in } }`, at most 1,000 per statement (an
   * event never changes, so an id picked by the filter above still matches it). MongoDB and the
   * tools build of FerretDB answer that from the `_id` index, so a batch is one delete: on
   * FerretDB one SQLite transaction, about a third of the time per event of one `{ _id }`
   * statement per event.
   */
  async deleteExpiredBatch(
    workspaceId: string,
    cutoff: Date,
    limit: number,
    beforeDelete?: (picked: { _id: string; seq: number }[]) => Promise<unknown>,
  ): Promise<{ ids: string[]; deleted: number }> {
    const picked = await this.col
      .find({ workspaceId, recordedAt: { $lt: cutoff } }, { projection: { _id: 1, seq: 1 } })
      .limit(limit)
      .toArray();
    const ids = picked.map((d) => d._id);
    if (ids.length === 0) return { ids, deleted: 0 };
    // The signed purge record goes first: a purge that stops here leaves a record of events still
    // present (harmless), never removed events without one.
    await beforeDelete?.(picked);
    let deleted = 0;
    for (let i = 0; i < ids.length; i += DELETE_IDS_PER_STATEMENT) {
      const chunk = ids.slice(i, i + DELETE_IDS_PER_STATEMENT);
      deleted += (await this.col.deleteMany({ workspaceId, _id: { $in: chunk } })).deletedCount;
    }
    return { ids, deleted };
  }

  /**
   * Which of the workspaces hold an event recorded before `cutoff`: the purge's look at a group
   * of workspaces before it deletes anything (the `workspace_recorded` index).
   */
  workspacesWithExpired(workspaceIds: string[], cutoff: Date): Promise<Set<string>> {
    return workspacesWithOlder(this.col, 'recordedAt', workspaceIds, cutoff);
  }
}

/**
 * The tenant condition stays a top-level field, the rest goes under `$and`: FerretDB (with the
 * tools build's pushdown patch) hands a top-level equality or `$in` on a string field to SQLite,
 * which finds the tenant's events through the `workspace_*` indexes instead of decoding every
 * tenant's. MongoDB reads the same filter either way.
 */
function keysetFilter(workspaceIds: string[], q: Omit<ListQuery, 'limit'>): Filter<EventDoc> {
  const tenant: Filter<EventDoc> = {
    workspaceId: workspaceIds.length === 1 ? workspaceIds[0]! : { $in: workspaceIds },
  };
  const and: Filter<EventDoc>[] = [];
  if (q.before) {
    and.push({
      $or: [
        { recordedAt: { $lt: q.before.recordedAt } },
        { recordedAt: q.before.recordedAt, _id: { $lt: q.before.id } },
      ],
    });
  }
  if (q.after) {
    and.push({
      $or: [{ recordedAt: { $gt: q.after.recordedAt } }, { recordedAt: q.after.recordedAt, _id: { $gt: q.after.id } }],
    });
  }
  if (q.filter) and.push(q.filter);
  return and.length === 0 ? tenant : { ...tenant, $and: and };
}
