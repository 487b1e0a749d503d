import type { Collection, Db } from 'mongodb';
import { insertOrFind } from './insert-or-find.ts';

export type RetentionRunStatus = 'running' | 'completed' | 'failed';

/** The report of one purge: kept at least 90 days so customers and auditors can ask for it. */
export interface RetentionRunDoc {
  _id: string;
  workflowId: string;
  trigger: 'schedule' | 'manual';
  asOf: Date;
  cutoffs: Record<string, string>;
  status: RetentionRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  totalDeleted: number;
  /** Workspace id to events deleted. Ids contain no `.` or `$`, so they are safe field names. */
  deletedByWorkspace: Record<string, number>;
  error: string | null;
}

export const RETENTION_REPORT_DAYS = 400;

export class RetentionRunsStore {
  readonly col: Collection<RetentionRunDoc>;
  constructor(db: Db) {
    this.col = db.collection<RetentionRunDoc>('retention_runs');
  }

  /** Idempotent: an activity retry finds the run it already opened. */
  open(doc: RetentionRunDoc): Promise<RetentionRunDoc> {
    return insertOrFind(this.col, doc, { _id: doc._id });
  }

  async addDeleted(id: string, workspaceId: string, count: number): Promise<void> {
    if (count === 0) return;
    await this.col.updateOne(
      { _id: id },
      { $inc: { totalDeleted: count, [`deletedByWorkspace.${workspaceId}`]: count } },
    );
  }

  async finish(
    id: string,
    status: Exclude<RetentionRunStatus, 'running'>,
    now: Date,
    error: string | null = null,
  ): Promise<void> {
    await this.col.updateOne({ _id: id, status: 'running' }, { $set: { status, finishedAt: now, error } });
  }

  findById(id: string): Promise<RetentionRunDoc | null> {
    return this.col.findOne({ _id: id });
  }

  lastCompleted(): Promise<RetentionRunDoc | null> {
    return this.col.find({ status: 'completed' }).sort({ finishedAt: -1 }).limit(1).next();
  }

  running(): Promise<RetentionRunDoc | null> {
    return this.col.findOne({ status: 'running' });
  }

  async deleteReportsBefore(cutoff: Date): Promise<number> {
    const res = await this.col.deleteMany({ startedAt: { $lt: cutoff } });
    return res.deletedCount;
  }
}
