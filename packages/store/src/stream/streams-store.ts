import type { Collection, Db } from 'mongodb';
import { inChunks } from '../in-chunks.ts';
import { findOwned } from '../tenant-lookup.ts';

/** Where a reader stands in the stream log: the next `seq` to look at, and the claim holding it. */
export interface StreamCursor {
  claim: number;
  seq: number;
}

/** The batch a stream has committed to send: fixed before its first attempt, kept across retries. */
export interface OpenBatch {
  deliveryId: string;
  /** The claim the batch's first event is in: retries re-read the events from there. */
  fromClaim: number;
  seqs: number[];
  eventIds: string[];
  /** Where the stream stands once this batch succeeded or was given up. */
  after: StreamCursor;
  lastRecordedAt: Date;
}

export type StreamKind = 'live' | 'replay';

/**
 * A destination's position in its workspace's stream log (`_id` = the webhook id), or a replay's
 * (`_id` = `rpl_…`). One workflow writes it; the API only repositions it (resume from now) or
 * creates it. Positions live here, not in Temporal, so a stream started from nothing resumes
 * exactly after the last batch that succeeded or was given up.
 */
export interface StreamDoc {
  _id: string;
  kind: StreamKind;
  workspaceId: string;
  webhookId: string;
  next: StreamCursor;
  open: OpenBatch | null;
  deliveredThrough: { seq: number; recordedAt: Date } | null;
  lastDelivery: { at: Date; status: 'succeeded' | 'failed' | 'retrying'; responseStatus: number | null } | null;
  /** Replays only: the last `seq` to send, and how the replay ended. */
  untilSeq: number | null;
  status: 'running' | 'completed' | 'cancelled';
  /** Set when the stream last found nothing to send, cleared when it sends. */
  idleSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Replays: the range asked for, as given. */
  range?: { since: Date; until: Date | null } | undefined;
}

export class StreamsStore {
  readonly col: Collection<StreamDoc>;
  constructor(db: Db) {
    this.col = db.collection<StreamDoc>('webhook_streams');
  }

  /** Idempotent: a second create (a retried call) keeps the first position. */
  async create(doc: StreamDoc): Promise<void> {
    try {
      await this.col.insertOne(doc);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  find(workspaceId: string, id: string): Promise<StreamDoc | null> {
    return findOwned(this.col, id, { workspaceId });
  }

  /**
   * Several streams at once, found through their workspaces (the filter's leading `$in`); one
   * whose workspace is not the one named with it is left out.
   */
  async findMany(keys: { workspaceId: string; id: string }[]): Promise<Map<string, StreamDoc>> {
    const owner = new Map(keys.map((k) => [k.id, k.workspaceId]));
    const docs = await inChunks([...owner.values()], (workspaceIds) => {
      const ids = keys.filter((k) => workspaceIds.includes(k.workspaceId)).map((k) => k.id);
      return this.col.find({ workspaceId: { $in: workspaceIds }, _id: { $in: ids } }).toArray();
    });
    return new Map(docs.filter((d) => owner.get(d._id) === d.workspaceId).map((d) => [d._id, d]));
  }

  /** By `_id` alone: the owner was checked when the stream was loaded. */
  async save(
    id: string,
    changes: Partial<Omit<StreamDoc, '_id' | 'workspaceId' | 'webhookId' | 'kind'>>,
    now: Date,
  ): Promise<void> {
    await this.col.updateOne({ _id: id }, { $set: { ...changes, updatedAt: now } });
  }

  listReplays(workspaceId: string, webhookId: string, limit: number): Promise<StreamDoc[]> {
    return this.col.find({ workspaceId, webhookId, kind: 'replay' }).sort({ _id: -1 }).limit(limit).toArray();
  }

  async deleteForWebhook(workspaceId: string, webhookId: string): Promise<void> {
    await this.col.deleteMany({ workspaceId, webhookId });
  }
}
