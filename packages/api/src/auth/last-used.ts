import type { Store } from '@audit/store';

/**
 * At most one `lastUsedAt` write per key per process in this window. "Last used" is for people
 * deciding whether a key is still needed, so a minute of lag is fine, and a write per request
 * would double the database work of every call.
 */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Past this many remembered keys, entries old enough to be due anyway are dropped. */
const MAX_TRACKED_KEYS = 10_000;

export interface LastUsedStats {
  writes: number;
  failures: number;
  skipped: number;
}

/**
 * Decides when a key's use is written, and writes it without the request waiting: a failed write
 * is counted and forgotten (the first use after the window tries again), never a failed request.
 */
export class LastUsedRecorder {
  private readonly lastWritten = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly counts: LastUsedStats = { writes: 0, failures: 0, skipped: 0 };

  private readonly intervalMs: number;
  private readonly maxTracked: number;

  constructor(
    private readonly write: (keyId: string, at: Date) => Promise<void>,
    opts: { intervalMs?: number; maxTracked?: number } = {},
  ) {
    this.intervalMs = opts.intervalMs ?? LAST_USED_WRITE_INTERVAL_MS;
    this.maxTracked = opts.maxTracked ?? MAX_TRACKED_KEYS;
  }

  /**
   * `stored` is the key's `lastUsedAt` as just read for authentication: a recent one (written by
   * another process, or before a restart) also counts, so a fleet writes about once per window.
   */
  record(keyId: string, stored: Date | null | undefined, now: Date): void {
    if (!this.isDue(keyId, stored, now)) {
      this.counts.skipped++;
      return;
    }
    this.remember(keyId, now.getTime());
    const p = Promise.resolve()
      .then(() => this.write(keyId, now))
      .then(
        () => void this.counts.writes++,
        // The window still counts from this attempt: a write that keeps failing costs one try
        // per window, not one per request.
        () => void this.counts.failures++,
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  isDue(keyId: string, stored: Date | null | undefined, now: Date): boolean {
    const t = now.getTime();
    const mine = this.lastWritten.get(keyId);
    if (mine !== undefined && t - mine < this.intervalMs && t >= mine) return false;
    if (stored && t - stored.getTime() < this.intervalMs && t >= stored.getTime()) return false;
    return true;
  }

  stats(): LastUsedStats {
    return { ...this.counts };
  }

  /** Resolves once every write started so far has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private remember(keyId: string, at: number): void {
    // Re-inserted last, so the map's insertion order stays oldest write first.
    this.lastWritten.delete(keyId);
    if (this.lastWritten.size >= this.maxTracked) {
      for (const [id, t] of this.lastWritten) if (at - t >= this.intervalMs) this.lastWritten.delete(id);
    }
    // Still full of keys all written within the window: forget the oldest; at worst one extra write.
    if (this.lastWritten.size >= this.maxTracked) this.lastWritten.delete(this.lastWritten.keys().next().value!);
    this.lastWritten.set(keyId, at);
  }
}

const recorders = new WeakMap<Store, LastUsedRecorder>();

/** One recorder per store, which is one per process in production; tests with their own store get their own. */
export function lastUsedFor(store: Store): LastUsedRecorder {
  let r = recorders.get(store);
  if (!r) {
    r = new LastUsedRecorder((id, at) => store.apiKeys.touchLastUsed(id, at));
    recorders.set(store, r);
  }
  return r;
}
