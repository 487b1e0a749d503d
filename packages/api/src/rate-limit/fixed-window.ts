import type { RateLimit } from '@audit/shared';

/** What the limiter needs of the database: unique ids (see RateLimitStore for why). */
export interface SlotStore {
  claim(id: string, expiresAt: Date): Promise<boolean>;
  exists(id: string): Promise<boolean>;
  sweep(before: Date): Promise<number>;
}

/**
 * A refusal is `repeat` when this process already knew the window full and asked the database
 * nothing: the request log samples those (see refusal-log.ts).
 */
export type Decision = { ok: true } | { ok: false; retryAfterMs: number; repeat: boolean };

interface WindowState {
  window: number;
  /** The lowest slot this process does not know to be taken. */
  next: number;
  full: boolean;
}

const SWEEP_EVERY_MS = 60_000;
/** Windows this long past their end are swept; clocks of API processes may differ by that much. */
const SWEEP_GRACE_MS = 10_000;
const MAX_TRACKED = 50_000;

/**
 * A fixed-window limit shared by every process on the same database. Window `w` of a bucket
 * has `points` slots, `<bucket>:<w>:0` … `:<points-1>`; a request is admitted when it inserts
 * one. The database refuses a second insert of an id, so no more than `points` requests are
 * admitted per window whatever the number of processes. Each process remembers the lowest slot
 * it has not seen taken, so slots are tried once per process, and once it finds the window full
 * it refuses without asking the database: a tenant hammering past its limit costs the database
 * nothing more. The first process to find a window full marks it (`<bucket>:<w>:full`), so
 * another process learns that in one read instead of trying every slot.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, WindowState>();
  private lastSweep = 0;

  constructor(
    private readonly store: SlotStore,
    private readonly onSweepError: (err: unknown) => void = () => {},
  ) {}

  async take(bucket: string, limit: RateLimit, now: number): Promise<Decision> {
    this.maybeSweep(now);
    try {
      return await this.takeSlot(bucket, limit, now);
    } catch (err) {
      // What this process believed of the window rested on answers it did not get: forget it.
      this.windows.delete(bucket);
      throw err;
    }
  }

  private async takeSlot(bucket: string, limit: RateLimit, now: number): Promise<Decision> {
    const window = Math.floor(now / limit.windowMs);
    const end = (window + 1) * limit.windowMs;
    const state = this.stateOf(bucket, window);
    if (state.full) return { ok: false, retryAfterMs: end - now, repeat: true };
    const expiresAt = new Date(end);
    const base = `${bucket}:${window}`;
    let askedForMark = false;
    let marked = false;
    while (state.next < limit.points && !marked) {
      // Taken before the await: concurrent requests of this process try different slots.
      const slot = state.next++;
      if (await this.store.claim(`${base}:${slot}`, expiresAt)) return { ok: true };
      if (!askedForMark) {
        askedForMark = true;
        marked = await this.store.exists(`${base}:full`);
      }
    }
    // Another call of this process may have found it full meanwhile: this refusal is then a repeat.
    const repeat = state.full;
    if (!state.full) {
      state.full = true;
      if (!marked) await this.store.claim(`${base}:full`, expiresAt);
    }
    return { ok: false, retryAfterMs: end - now, repeat };
  }

  private stateOf(bucket: string, window: number): WindowState {
    let state = this.windows.get(bucket);
    if (!state || state.window !== window) {
      if (this.windows.size >= MAX_TRACKED) this.windows.clear();
      state = { window, next: 0, full: false };
      this.windows.set(bucket, state);
    }
    return state;
  }

  /** No TTL index on FerretDB: ended windows are deleted by whoever counts, now and then. */
  private maybeSweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.store.sweep(new Date(now - SWEEP_GRACE_MS)).catch(this.onSweepError);
  }
}
