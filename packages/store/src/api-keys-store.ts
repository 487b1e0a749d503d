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

  /**
   * The keys of an organization, oldest first: all of them, or those that can act on one
   * workspace (its own and the organization-wide ones). Admin listing only, never a hot path.
   */
  listForOrganization(organizationId: string, limit: number, workspaceId?: string): Promise<ApiKeyDoc[]> {
    const filter = workspaceId ? { organizationId, workspaceId: { $in: [workspaceId, null] } } : { organizationId };
    return this.col.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }

  /**
   * Filter on `_id` alone so FerretDB answers from the `_id` index; `$max` keeps the time from
   * going back when two processes write out of order.
   */
  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.col.updateOne({ _id: id }, { $max: { lastUsedAt: at } });
  }
}
