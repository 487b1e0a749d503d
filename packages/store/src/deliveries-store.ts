import type { Collection, Db, Filter } from 'mongodb';
import { workspacesWithOlder } from './expired-probe.ts';
import { isDuplicateKey } from './mongo.ts';
import { findOwned } from './tenant-lookup.ts';
import { insertOrFind } from './insert-or-find.ts';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';
export type AttemptTrigger = 'scheduled' | 'manual';
/** What sent the batch: the live stream, a replay of a range, or a person's redelivery. */
export type DeliveryKind = 'stream' | 'replay';

/** One batch to one destination: the unit of signing (`webhook-id`), retrying and recovering. */
export interface DeliveryDoc {
  _id: string;
  workspaceId: string;
  webhookId: string;
  kind: DeliveryKind;
  /** The stream or replay that opened it. */
  streamId: string;
  /** The events it carries, in `seq` order, and where to find them in the stream log. */
  eventIds: string[];
  seqs: number[];
  fromClaim: number;
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
  deliveryId: string;
  webhookId: string;
  attempt: number;
  trigger: AttemptTrigger;
  status: 'succeeded' | 'failed';
  responseStatus: number | null;
  /** At most 4 KiB of what the receiver answered. */
  responseBody: string | null;
  durationMs: number;
  /** Bytes sent (after compression) and events carried. */
  bytes: number;
  error: string | null;
  startedAt: Date;
  nextAttemptAt: Date | null;
}

export type DeliveryOutcome = Pick<
  DeliveryDoc,
  'status' | 'lastAttemptAt' | 'nextAttemptAt' | 'lastResponseStatus' | 'lastError'
>;

export class DeliveriesStore {
  readonly col: Collection<DeliveryDoc>;
  readonly attempts: Collection<AttemptDoc>;
  constructor(db: Db) {
    this.col = db.collection<DeliveryDoc>('deliveries');
    this.attempts = db.collection<AttemptDoc>('delivery_attempts');
  }

  /** Idempotent by id: a stream retried after a crash finds the delivery it opened. */
  open(doc: DeliveryDoc): Promise<DeliveryDoc> {
    return insertOrFind(this.col, doc, { _id: doc._id });
  }

  findForWorkspace(workspaceId: string, id: string): Promise<DeliveryDoc | null> {
    return findOwned(this.col, id, { workspaceId });
  }

  /** Marks a finished delivery pending again for a manual run; false when it is still pending. */
  async reopen(workspaceId: string, id: string, now: Date): Promise<boolean> {
    const d = await findOwned(this.col, id, { workspaceId });
    if (!d || d.status === 'pending') return false;
    await this.col.updateOne({ _id: id }, { $set: { status: 'pending', updatedAt: now, nextAttemptAt: now } });
    return true;
  }

  /**
   * The owner is checked on a read by `_id`, then the update filters on `_id` alone: FerretDB
   * resolves only an exact `{ _id }` filter through an index, and this runs after every attempt.
   */
  async settle(workspaceId: string, id: string, attempts: number, outcome: DeliveryOutcome, now: Date): Promise<void> {
    if (!(await findOwned(this.col, id, { workspaceId }))) return;
    await this.settleLoaded({ _id: id }, attempts, outcome, now);
  }

  /** Ends a pending delivery without another attempt (its destination or its events are gone), keeping what its last attempt said. */
  async giveUp(delivery: DeliveryDoc, why: string, now: Date): Promise<void> {
    await this.settleLoaded(
      delivery,
      delivery.attempts,
      {
        status: 'failed',
        lastAttemptAt: delivery.lastAttemptAt,
        nextAttemptAt: null,
        lastResponseStatus: delivery.lastResponseStatus,
        lastError: why,
      },
      now,
    );
  }

  /** For a caller that already read the delivery (and so its owner): one round trip less per attempt. */
  async settleLoaded(
    delivery: Pick<DeliveryDoc, '_id'>,
    attempts: number,
    outcome: DeliveryOutcome,
    now: Date,
  ): Promise<void> {
    await this.col.updateOne({ _id: delivery._id }, { $set: { ...outcome, updatedAt: now }, $max: { attempts } });
  }

  /** Idempotent per (delivery, attempt number): a retried activity overwrites its own row. */
  async putAttempt(doc: AttemptDoc): Promise<void> {
    try {
      await this.attempts.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const { _id, ...rest } = doc;
      await this.attempts.updateOne(
        { workspaceId: doc.workspaceId, deliveryId: doc.deliveryId, attempt: doc.attempt },
        { $set: rest },
      );
    }
  }

  /** Newest first, keyset on the id (ULIDs sort by creation); optionally the one carrying an event. */
  listForWebhook(
    workspaceId: string,
    webhookId: string,
    q: {
      status?: DeliveryStatus | undefined;
      eventId?: string | undefined;
      beforeId?: string | undefined;
      limit: number;
    },
  ): Promise<DeliveryDoc[]> {
    const filter: Filter<DeliveryDoc> = { workspaceId, webhookId };
    if (q.status) filter.status = q.status;
    if (q.eventId) filter.eventIds = q.eventId;
    if (q.beforeId) filter._id = { $lt: q.beforeId };
    return this.col.find(filter).sort({ _id: -1 }).limit(q.limit).toArray();
  }

  listFailedSince(workspaceId: string, webhookId: string, since: Date, limit: number): Promise<DeliveryDoc[]> {
    return this.col
      .find({ workspaceId, webhookId, status: 'failed', createdAt: { $gte: since } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  attemptsFor(workspaceId: string, deliveryIds: string[]): Promise<AttemptDoc[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.attempts
      .find({ workspaceId, deliveryId: { $in: deliveryIds } })
      .sort({ deliveryId: 1, attempt: 1 })
      .limit(deliveryIds.length * 64)
      .toArray();
  }

  /**
   * Retention by the records' own timestamps, at most `limit` of each per call, deleted by `_id`:
   * no look-up of which events were purged.
   */
  async deleteExpired(workspaceId: string, cutoff: Date, limit: number): Promise<number> {
    return (
      (await deleteOlder(this.col, { workspaceId, createdAt: { $lt: cutoff } }, limit)) +
      (await deleteOlder(this.attempts, { workspaceId, startedAt: { $lt: cutoff } }, limit))
    );
  }

  /** Retention: which of the workspaces hold a delivery or an attempt older than `cutoff` (index probes). */
  async workspacesWithExpired(workspaceIds: string[], cutoff: Date): Promise<Set<string>> {
    const [deliveries, attempts] = await Promise.all([
      workspacesWithOlder(this.col, 'createdAt', workspaceIds, cutoff),
      workspacesWithOlder(this.attempts, 'startedAt', workspaceIds, cutoff),
    ]);
    return new Set([...deliveries, ...attempts]);
  }
}

async function deleteOlder<T extends { _id: string }>(
  col: Collection<T>,
  filter: Filter<T>,
  limit: number,
): Promise<number> {
  const ids = (
    await col
      .find(filter, { projection: { _id: 1 } })
      .limit(limit)
      .toArray()
  ).map((d) => d._id);
  if (ids.length === 0) return 0;
  // One statement for the batch: `_id` `$in` is an index look-up on MongoDB and the embedded store.
  return (await col.deleteMany({ _id: { $in: ids } } as Filter<T>)).deletedCount;
}
