import type { Collection, Db } from 'mongodb';
import type { ApiKeyDoc } from './documents.ts';

export class ApiKeysStore {
  readonly col: Collection<ApiKeyDoc>;
  constructor(db: Db) {
    this.col = db.collection<ApiKeyDoc>('api_keys');
  }

  async insert(doc: ApiKeyDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  /** Revoked keys are still found, so the caller can tell "revoked" from "unknown" in logs only. */
  findByHash(hash: string): Promise<ApiKeyDoc | null> {
    return this.col.findOne({ hash });
  }

  findById(id: string): Promise<ApiKeyDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Returns true when this call revoked the key; a second revoke changes nothing. */
  async revoke(id: string, now: Date): Promise<boolean> {
    const res = await this.col.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: now } });
    return res.modifiedCount === 1;
  }
}
