import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './mongo.ts';

/** One admitted request in one window (`<bucket>:<window>:<slot>`), or a window's "full" mark. */
export interface RateLimitSlotDoc {
  _id: string;
  /** The end of the window: after it the document counts for nothing and may be swept. */
  expiresAt: Date;
}

/**
 * Rate-limit counters as unique `_id`s: a request is admitted by inserting a slot id no other
 * request holds. On FerretDB v1 neither `$inc` nor a conditional update is atomic under
 * concurrency (measured: 200 concurrent `$inc` of one document ended at 17), but a duplicate `_id`
 * is always refused, and an `_id` equality is the one query it serves from an index. MongoDB
 * gives the same guarantees, so the limiter is the same on both.
 */
export class RateLimitStore {
  readonly col: Collection<RateLimitSlotDoc>;

  constructor(db: Db) {
    this.col = db.collection<RateLimitSlotDoc>('rate_limit_slots');
  }

  /** True when this call took the id; false when someone already had it. */
  async claim(id: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.col.insertOne({ _id: id, expiresAt });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async exists(id: string): Promise<boolean> {
    return (await this.col.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * Drops windows that ended before `before`. Neither server side has TTL indexes here (FerretDB
   * has none), so each API process calls this now and then; it scans at most the last minutes'
   * slots.
   */
  async sweep(before: Date): Promise<number> {
    return (await this.col.deleteMany({ expiresAt: { $lt: before } })).deletedCount;
  }
}
