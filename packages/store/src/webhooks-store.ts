import type { Collection, Db, UpdateFilter } from 'mongodb';
import { minuteOf } from './change-minute.ts';
import { inChunks } from './in-chunks.ts';
import { isDuplicateKey } from './mongo.ts';
import { findOwned } from './tenant-lookup.ts';
import type { WorkspacesStore } from './tenants-store.ts';

export type WebhookFormat = 'cloudevents' | 'cloudevents-structured' | 'cloudevents-binary' | 'datadog' | 'splunk-hec';
export type WebhookCompression = 'none' | 'gzip';

/** Destinations stored before streams named the two single-event modes `structured` and `binary`. */
const LEGACY_FORMATS: Record<string, WebhookFormat> = {
  structured: 'cloudevents-structured',
  binary: 'cloudevents-binary',
};

function normalize(doc: WebhookDoc | null): WebhookDoc | null {
  if (!doc) return doc;
  return {
    ...doc,
    format: LEGACY_FORMATS[doc.format] ?? doc.format,
    batchSize: doc.batchSize ?? 100,
    compression: doc.compression ?? 'none',
  };
}
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
  /** Most events per request (1-100); the single-event formats always send one. */
  batchSize: number;
  compression: WebhookCompression;
  enabled: boolean;
  disabledReason: DisabledReason | null;
  disabledAt: Date | null;
  /** Newest first. */
  secrets: WebhookSecretDoc[];
  createdAt: Date;
  updatedAt: Date;
  /** `updatedAt`'s minute, set by the store with it: the stream supervisor looks changes up by it. */
  changedIn?: string;
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

export type WebhookChanges = Partial<
  Pick<
    WebhookDoc,
    | 'url'
    | 'description'
    | 'headers'
    | 'categories'
    | 'format'
    | 'batchSize'
    | 'compression'
    | 'enabled'
    | 'disabledReason'
    | 'disabledAt'
    | 'secrets'
  >
>;

const SUCCESS_WRITE_EVERY_MS = 5_000;

/**
 * Webhook destinations. Every read and write names the workspace: another tenant's id finds
 * nothing. Each write that can change whether a workspace has an enabled destination also moves
 * the workspace's `hasEnabledWebhooks`, which the record path reads instead of looking them up.
 */
export class WebhooksStore {
  readonly col: Collection<WebhookDoc>;
  readonly health: Collection<WebhookHealthDoc>;
  constructor(
    db: Db,
    private readonly workspaces: WorkspacesStore,
  ) {
    this.col = db.collection<WebhookDoc>('webhooks');
    this.health = db.collection<WebhookHealthDoc>('webhook_health');
  }

  async insert(doc: WebhookDoc): Promise<void> {
    await this.col.insertOne({ ...doc, changedIn: minuteOf(doc.updatedAt) });
    if (doc.enabled) await this.workspaces.setHasEnabledWebhooks(doc.workspaceId, true);
  }

  /**
   * Sets the workspace's flag from its destinations as they are now. Two changes racing can leave
   * it stale; the stream supervisor sets it right again when it looks at the changed destinations.
   */
  async refreshHasEnabled(workspaceId: string): Promise<boolean> {
    const any = (await this.col.find({ workspaceId }, { projection: { enabled: 1 } }).toArray()).some((d) => d.enabled);
    await this.workspaces.setHasEnabledWebhooks(workspaceId, any);
    return any;
  }

  countForWorkspace(workspaceId: string): Promise<number> {
    return this.col.countDocuments({ workspaceId });
  }

  async findForWorkspace(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    return normalize(await findOwned(this.col, id, { workspaceId }));
  }

  async listForWorkspace(workspaceId: string, limit: number): Promise<WebhookDoc[]> {
    return (await this.col.find({ workspaceId }).sort({ _id: 1 }).limit(limit).toArray()).map((d) => normalize(d)!);
  }

  /**
   * The record path's look-up. The filter names the workspace alone and `enabled` is checked here
   * (a workspace holds at most 20 destinations): with one condition there is one index to
   * take, whatever a planner would make of a boolean that most destinations share.
   */
  async listEnabledForWorkspace(workspaceId: string): Promise<WebhookDoc[]> {
    const docs = await this.col.find({ workspaceId }).sort({ _id: 1 }).limit(100).toArray();
    return docs.filter((d) => d.enabled).map((d) => normalize(d)!);
  }

  /** The enabled destinations of several workspaces (ids only), for the stream supervisor; as above. */
  async enabledOfWorkspaces(workspaceIds: string[]): Promise<Pick<WebhookDoc, '_id' | 'workspaceId'>[]> {
    const projection = { _id: 1, workspaceId: 1, enabled: 1 };
    const docs = await inChunks(workspaceIds, (chunk) =>
      this.col.find({ workspaceId: { $in: chunk } }, { projection }).toArray(),
    );
    return docs.filter((d) => d.enabled).map((d) => ({ _id: d._id, workspaceId: d.workspaceId }));
  }

  /**
   * Destinations written at or after `since` (created, edited, enabled or disabled), found by the
   * minutes of the window (from `since`'s on), keyset on (`updatedAt`, `_id`): what the stream
   * supervisor looks at between its full walks.
   */
  async pageChangedSince(minutes: string[], since: Date, after: { at: Date; id: string } | null, limit: number) {
    const time = after
      ? { $or: [{ updatedAt: { $gt: after.at } }, { updatedAt: after.at, _id: { $gt: after.id } }] }
      : { updatedAt: { $gte: since } };
    const found = this.col.find({ changedIn: { $in: minutes }, ...time });
    return (await found.sort({ updatedAt: 1, _id: 1 }).limit(limit).toArray()).map((d) => normalize(d)!);
  }

  /** Every enabled destination of every workspace, in id order: the stream supervisor's full walk. */
  async pageEnabled(afterId: string | null, limit: number): Promise<WebhookDoc[]> {
    const filter = afterId ? { enabled: true, _id: { $gt: afterId } } : { enabled: true };
    return (await this.col.find(filter).sort({ _id: 1 }).limit(limit).toArray()).map((d) => normalize(d)!);
  }

  /** Returns the destination as it was before the change, or null when it is not the workspace's. */
  async update(workspaceId: string, id: string, changes: WebhookChanges, now: Date): Promise<WebhookDoc | null> {
    if (!(await findOwned(this.col, id, { workspaceId }))) return null;
    const set = { ...changes, updatedAt: now, changedIn: minuteOf(now) };
    const before = normalize(await this.col.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'before' }));
    if (before && changes.enabled !== undefined && changes.enabled !== before.enabled) {
      await this.refreshHasEnabled(workspaceId);
    }
    return before;
  }

  async deleteForWorkspace(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    if (!(await findOwned(this.col, id, { workspaceId }))) return null;
    const doc = normalize(await this.col.findOneAndDelete({ _id: id }));
    if (doc) await this.health.deleteOne({ _id: id, workspaceId });
    if (doc?.enabled) await this.refreshHasEnabled(workspaceId);
    return doc;
  }

  async healthFor(workspaceId: string, ids: string[]): Promise<Map<string, WebhookHealthDoc>> {
    const docs = ids.length === 0 ? [] : await this.health.find({ workspaceId, _id: { $in: ids } }).toArray();
    return new Map(docs.map((d) => [d._id, d]));
  }

  /** Counts a failed attempt; the result says how long the destination has been failing. */
  async recordFailure(workspaceId: string, id: string, now: Date): Promise<WebhookHealthDoc | null> {
    await this.upsertHealth(workspaceId, id, {
      $setOnInsert: { failingSince: null, warnedAt: null, lastSuccessAt: null, consecutiveFailures: 0 },
    });
    await this.health.updateOne({ _id: id, workspaceId, failingSince: null }, { $set: { failingSince: now } });
    return this.health.findOneAndUpdate(
      { _id: id, workspaceId },
      { $inc: { consecutiveFailures: 1 } },
      { returnDocument: 'after' },
    );
  }

  /** True only for the call that claimed the warning of the current run of failures. */
  async claimWarning(workspaceId: string, id: string, now: Date): Promise<boolean> {
    const res = await this.health.updateOne({ _id: id, workspaceId, warnedAt: null }, { $set: { warnedAt: now } });
    return res.modifiedCount === 1;
  }

  /**
   * After a successful attempt. A destination whose record is already clean is written at most
   * every few seconds (for `lastSuccessAt`): a read is cheaper than an upsert, and a stream makes
   * one attempt per batch.
   */
  async recordSuccess(workspaceId: string, id: string, now: Date): Promise<void> {
    const h = await this.health.findOne({ _id: id });
    const clean =
      h &&
      h.workspaceId === workspaceId &&
      h.failingSince === null &&
      h.consecutiveFailures === 0 &&
      h.warnedAt === null;
    if (clean && h.lastSuccessAt && now.getTime() - h.lastSuccessAt.getTime() < SUCCESS_WRITE_EVERY_MS) return;
    await this.upsertHealth(workspaceId, id, {
      $set: { failingSince: null, consecutiveFailures: 0, warnedAt: null, lastSuccessAt: now },
    });
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
    await this.health.updateOne(
      { _id: id, workspaceId },
      { $set: { failingSince: null, consecutiveFailures: 0, warnedAt: null } },
    );
  }

  /** True only for the call that disabled it, so the audit event is recorded once. */
  async disableIfEnabled(workspaceId: string, id: string, reason: DisabledReason, now: Date): Promise<boolean> {
    if (!(await findOwned(this.col, id, { workspaceId }))) return false;
    const set = { enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now, changedIn: minuteOf(now) };
    const res = await this.col.updateOne({ _id: id, enabled: true }, { $set: set });
    if (res.modifiedCount === 1) await this.refreshHasEnabled(workspaceId);
    return res.modifiedCount === 1;
  }
}
