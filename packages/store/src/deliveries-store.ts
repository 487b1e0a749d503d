import type { Collection, Db, Filter } from 'mongodb';
import { isDuplicateKey } from './mongo.ts';
import { findOwned } from './tenant-lookup.ts';
import { insertOrFind } from './insert-or-find.ts';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';
export type AttemptTrigger = 'scheduled' | 'manual';

/** One event on its way to one destination; carries `{ workspaceId, eventId }` for the purge. */
export interface DeliveryDoc {
  _id: string;
  workspaceId: string;
  eventId: string;
  webhookId: string;
  status: DeliveryStatus;
  /** Attempts made so far, scheduled and manual. */
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastError: string | null;
}

export interface AttemptDoc {
  _id: string;
  workspaceId: string;
  eventId: string;
  deliveryId: string;
  webhookId: string;
  attempt: number;
  trigger: AttemptTrigger;
  status: 'succeeded' | 'failed';
  responseStatus: number | null;
  /** At most 4 KiB of what the receiver answered. */
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  startedAt: Date;
  nextAttemptAt: Date | null;
}

export type DeliveryOutcome = Pick<DeliveryDoc, 'status' | 'lastAttemptAt' | 'nextAttemptAt' | 'lastResponseStatus' | 'lastError'>;

export class DeliveriesStore {
  readonly col: Collection<DeliveryDoc>;
  readonly attempts: Collection<AttemptDoc>;
  constructor(db: Db) {
    this.col = db.collection<DeliveryDoc>('deliveries');
    this.attempts = db.collection<AttemptDoc>('delivery_attempts');
  }

  /** One delivery per (destination, event), however often its workflow is started. */
  open(doc: DeliveryDoc): Promise<DeliveryDoc> {
    return insertOrFind(this.col, doc, { workspaceId: doc.workspaceId, webhookId: doc.webhookId, eventId: doc.eventId });
  }

  findForWorkspace(workspaceId: string, id: string): Promise<DeliveryDoc | null> {
    return findOwned(this.col, id, { workspaceId });
  }

  /** Marks a finished delivery pending again for a manual run; false when it is still pending. */
  async reopen(workspaceId: string, id: string, now: Date): Promise<boolean> {
    const res = await this.col.updateOne({ _id: id, workspaceId, status: { $ne: 'pending' } }, { $set: { status: 'pending', updatedAt: now, nextAttemptAt: now } });
    return res.modifiedCount === 1;
  }

  /**
   * The owner is checked on a read by `_id`, then the update filters on `_id` alone: FerretDB
   * resolves only an exact `{ _id }` filter through an index, and this runs after every attempt.
   */
  async settle(workspaceId: string, id: string, attempts: number, outcome: DeliveryOutcome, now: Date): Promise<void> {
    if (!(await findOwned(this.col, id, { workspaceId }))) return;
    await this.col.updateOne({ _id: id }, { $set: { ...outcome, updatedAt: now }, $max: { attempts } });
  }

  /** Idempotent per (delivery, attempt number): a retried activity overwrites its own row. */
  async putAttempt(doc: AttemptDoc): Promise<void> {
    try {
      await this.attempts.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const { _id, ...rest } = doc;
      await this.attempts.updateOne({ workspaceId: doc.workspaceId, deliveryId: doc.deliveryId, attempt: doc.attempt }, { $set: rest });
    }
  }

  /** Newest first, keyset on the id (ULIDs sort by creation). */
  listForWebhook(workspaceId: string, webhookId: string, q: { status?: DeliveryStatus | undefined; beforeId?: string | undefined; limit: number }): Promise<DeliveryDoc[]> {
    const filter: Filter<DeliveryDoc> = { workspaceId, webhookId };
    if (q.status) filter.status = q.status;
    if (q.beforeId) filter._id = { $lt: q.beforeId };
    return this.col.find(filter).sort({ _id: -1 }).limit(q.limit).toArray();
  }

  listFailedSince(workspaceId: string, webhookId: string, since: Date, limit: number): Promise<DeliveryDoc[]> {
    return this.col.find({ workspaceId, webhookId, status: 'failed', createdAt: { $gte: since } }).sort({ _id: 1 }).limit(limit).toArray();
  }

  attemptsFor(workspaceId: string, deliveryIds: string[]): Promise<AttemptDoc[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.attempts.find({ workspaceId, deliveryId: { $in: deliveryIds } }).sort({ deliveryId: 1, attempt: 1 }).limit(deliveryIds.length * 64).toArray();
  }
}
