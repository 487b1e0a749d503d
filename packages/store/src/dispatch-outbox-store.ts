import type { Collection, Db } from 'mongodb';

/**
 * Events waiting for their delivery workflows to be started. Written before the event itself,
 * removed once every workflow is started, so events stay immutable and an outage of Temporal
 * (or a crash between the two steps) leaves a row for the reconciler instead of a lost delivery.
 */
export interface OutboxDoc {
  /** The event id. */
  _id: string;
  workspaceId: string;
  category: string;
  /** The destinations the event matched when it was recorded. */
  webhookIds: string[];
  createdAt: Date;
}

export class DispatchOutboxStore {
  readonly col: Collection<OutboxDoc>;
  constructor(db: Db) {
    this.col = db.collection<OutboxDoc>('dispatch_outbox');
  }

  async add(rows: OutboxDoc[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.col.insertMany(rows, { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { code: number }[] }).writeErrors;
      if (!Array.isArray(writeErrors) || writeErrors.some((w) => w.code !== 11000)) throw err;
    }
  }

  async remove(workspaceId: string, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.col.deleteMany({ workspaceId, _id: { $in: eventIds } });
  }

  /** Across workspaces, oldest first: the reconciler's work list. */
  listOlderThan(cutoff: Date, limit: number): Promise<OutboxDoc[]> {
    return this.col.find({ createdAt: { $lt: cutoff } }).sort({ createdAt: 1 }).limit(limit).toArray();
  }

  countForWorkspace(workspaceId: string): Promise<number> {
    return this.col.countDocuments({ workspaceId });
  }
}
