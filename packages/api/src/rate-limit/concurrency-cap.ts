/** Hands a slot back; calling it again does nothing, so every exit path may call it. */
export type Release = () => void;

/**
 * A cap on the exports each tenant has streaming at once in this process. The export window
 * bounds how many a tenant starts per minute, not how many run at once: an export streams for as
 * long as its log takes (about 10,000 events a second) and its client reads, so the ten a minute
 * the window admits may all run together and hold the process. Pure: no database, no clock.
 *
 * An export over the cap is refused at once (429, `Retry-After: 1`), not queued: a queue would
 * hold a connection open for every export waiting.
 */
export class ConcurrencyCap {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly perTenant: number) {}

  /** A slot, or null: the tenant already holds all of its slots. */
  acquire(tenant: string): Release | null {
    const n = this.inFlight.get(tenant) ?? 0;
    if (n >= this.perTenant) return null;
    this.inFlight.set(tenant, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.inFlight.get(tenant)! - 1;
      if (left === 0) this.inFlight.delete(tenant);
      else this.inFlight.set(tenant, left);
    };
  }

  /** For tests and metrics: slots held by a tenant, and all together. */
  holding(tenant?: string): number {
    if (tenant !== undefined) return this.inFlight.get(tenant) ?? 0;
    let all = 0;
    for (const n of this.inFlight.values()) all += n;
    return all;
  }
}
