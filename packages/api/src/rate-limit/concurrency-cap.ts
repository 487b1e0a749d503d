/** Hands a slot back; calling it again does nothing, so every exit path may call it. */
export type Release = () => void;

/**
 * A cap on the expensive reads (collection scans on FerretDB) each tenant has in flight in this
 * process. The fixed-window limit bounds how many a tenant starts per second, not how many run
 * at once: the searches it admits at the start of a window all land together and fill the
 * machine, and a neighbour's search queues behind them. Holding each tenant to a few at a time
 * leaves the rest of the machine to the others. Pure: no database, no clock.
 *
 * A read over the cap is refused, never queued: a wait queue per tenant and a round-robin total
 * were measured (bench/rate-limit-cost.ts, README) and left the neighbour slower, since a waiting
 * search starts the moment a slot frees and the tenant keeps its slots busy.
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
