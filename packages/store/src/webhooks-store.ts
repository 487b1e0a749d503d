import type { Collection, Db, UpdateFilter } from 'mongodb';
import { isDuplicateKey } from './mongo.ts';
import { findOwned } from './tenant-lookup.ts';

export type WebhookFormat = 'structured' | 'binary';
export type DisabledReason = 'manual' | 'gone' | 'failing';

/** Values are AES-256-GCM ciphertexts (see @audit/shared/secret-box); hints are what may be shown. */
export interface WebhookHeaderDoc {
  name: string;
  sealed: string;
  hint: string;
}

export interface WebhookSecretDoc {
  sealed: string;
  hint: string;
  createdAt: Date;
  /** Null for the current secret; set when rotated out, after which it stops signing. */
  expiresAt: Date | null;
}

export interface WebhookDoc {
  _id: string;
  workspaceId: string;
  organizationId: string;
  url: string;
  description: string | null;
  headers: WebhookHeaderDoc[];
  /** Empty means every category. */
  categories: string[];
  format: WebhookFormat;
  enabled: boolean;
  disabledReason: DisabledReason | null;
  disabledAt: Date | null;
  /** Newest first. */
  secrets: WebhookSecretDoc[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * How deliveries to a destination are going. Kept apart from the destination because the worker
 * writes it after every attempt: FerretDB rewrites whole documents on update, so sharing one
 * document would let an attempt's bookkeeping undo a concurrent API change (a rotation, say).
 */
export interface WebhookHealthDoc {
  /** The webhook id. */
  _id: string;
  workspaceId: string;
  /** Start of the current run of failed attempts; null after any success. */
  failingSince: Date | null;
  consecutiveFailures: number;
  /** When the "failures began" warning was recorded for the current run. */
  warnedAt: Date | null;
  lastSuccessAt: Date | null;
}

export type WebhookChanges = Partial<Pick<WebhookDoc, 'url' | 'description' | 'headers' | 'categories' | 'format' | 'enabled' | 'disabledReason' | 'disabledAt' | 'secrets'>>;

/** Webhook destinations. Every read and write names the workspace: another tenant's id finds nothing. */
export class WebhooksStore {
  readonly col: Collection<WebhookDoc>;
  readonly health: Collection<WebhookHealthDoc>;
  constructor(db: Db) {
    this.col = db.collection<WebhookDoc>('webhooks');
    this.health = db.collection<WebhookHealthDoc>('webhook_health');
  }

  async insert(doc: WebhookDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  countForWorkspace(workspaceId: string): Promise<number> {
    return this.col.countDocuments({ workspaceId });
  }

  findForWorkspace(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    return findOwned(this.col, id, { workspaceId });
  }

  listForWorkspace(workspaceId: string, limit: number): Promise<WebhookDoc[]> {
    return this.col.find({ workspaceId }).sort({ _id: 1 }).limit(limit).toArray();
  }

  listEnabledForWorkspace(workspaceId: string): Promise<WebhookDoc[]> {
    return this.col.find({ workspaceId, enabled: true }).sort({ _id: 1 }).limit(100).toArray();
  }

  /** Returns the destination as it was before the change, or null when it is not the workspace's. */
  update(workspaceId: string, id: string, changes: WebhookChanges, now: Date): Promise<WebhookDoc | null> {
    return this.col.findOneAndUpdate({ _id: id, workspaceId }, { $set: { ...changes, updatedAt: now } }, { returnDocument: 'before' });
  }

  async deleteForWorkspace(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    const doc = await this.col.findOneAndDelete({ _id: id, workspaceId });
    if (doc) await this.health.deleteOne({ _id: id, workspaceId });
    return doc;
  }

  async healthFor(workspaceId: string, ids: string[]): Promise<Map<string, WebhookHealthDoc>> {
    const docs = ids.length === 0 ? [] : await this.health.find({ workspaceId, _id: { $in: ids } }).toArray();
    return new Map(docs.map((d) => [d._id, d]));
  }

  /** Counts a failed attempt; the result says how long the destination has been failing. */
  async recordFailure(workspaceId: string, id: string, now: Date): Promise<WebhookHealthDoc | null> {
    await this.upsertHealth(workspaceId, id, { $setOnInsert: { failingSince: null, warnedAt: null, lastSuccessAt: null, consecutiveFailures: 0 } });
    await this.health.updateOne({ _id: id, workspaceId, failingSince: null }, { $set: { failingSince: now } });
    return this.health.findOneAndUpdate({ _id: id, workspaceId }, { $inc: { consecutiveFailures: 1 } }, { returnDocument: 'after' });
  }

  /** True only for the call that claimed the warning of the current run of failures. */
  async claimWarning(workspaceId: string, id: string, now: Date): Promise<boolean> {
    const res = await this.health.updateOne({ _id: id, workspaceId, warnedAt: null }, { $set: { warnedAt: now } });
    return res.modifiedCount === 1;
  }

  async recordSuccess(workspaceId: string, id: string, now: Date): Promise<void> {
    await this.upsertHealth(workspaceId, id, { $set: { failingSince: null, consecutiveFailures: 0, warnedAt: null, lastSuccessAt: now } });
  }

  /**
   * Two deliveries to one destination settling together both miss and both insert; MongoDB
   * retries that itself, FerretDB answers E11000. The loser's retry finds the winner's row.
   */
  private async upsertHealth(workspaceId: string, id: string, update: UpdateFilter<WebhookHealthDoc>): Promise<void> {
    try {
      await this.health.updateOne({ _id: id, workspaceId }, update, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.health.updateOne({ _id: id, workspaceId }, update, { upsert: true });
    }
  }

  /** A re-enabled destination starts with a clean record, or it would be disabled again at once. */
  async resetFailures(workspaceId: string, id: string): Promise<void> {
    await this.health.updateOne({ _id: id, workspaceId }, { $set: { failingSince: null, consecutiveFailures: 0, warnedAt: null } });
  }

  /** True only for the call that disabled it, so the audit event is recorded once. */
  async disableIfEnabled(workspaceId: string, id: string, reason: DisabledReason, now: Date): Promise<boolean> {
    const res = await this.col.updateOne({ _id: id, workspaceId, enabled: true }, { $set: { enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now } });
    return res.modifiedCount === 1;
  }
}
