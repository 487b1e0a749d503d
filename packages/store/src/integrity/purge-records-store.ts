import type { Collection, Db } from 'mongodb';
import type { PurgeRecord } from '@audit/shared/integrity/checkpoint';

/**
 * Signed statements of what the retention purge removed, kept for good: with them a verifier
 * tells an event purged on schedule from one that went missing. One per purge batch, written
 * before the batch is deleted, so a purge that stops half-way never leaves removals unexplained.
 */
export interface PurgeRecordDoc extends PurgeRecord {
  _id: string;
}

export class PurgeRecordsStore {
  readonly col: Collection<PurgeRecordDoc>;

  constructor(db: Db) {
    this.col = db.collection<PurgeRecordDoc>('purge_records');
  }

  async insert(record: PurgeRecord): Promise<void> {
    await this.col.insertOne({ _id: record.id, ...record });
  }

  /** A workspace's records, oldest first (a scan on FerretDB; read by exports and verification only). */
  listForWorkspace(workspaceId: string): Promise<PurgeRecordDoc[]> {
    return this.col.find({ workspaceId }).sort({ _id: 1 }).toArray();
  }
}

export function stripPurgeRecordDoc(doc: PurgeRecordDoc): PurgeRecord {
  const { _id: _i, ...r } = doc;
  return r;
}
