/** Hands a slot back; calling it again does nothing, so every exit path may call it. */
export type Release = () => void;

export interface ConcurrencyCapOptions {
  /** Slots one tenant may hold at once. */
  perTenant: number;
  /** Requests of one tenant that may wait for a slot; beyond that a request is refused at once. */
  queuePerTenant: number;
  /** Slots all tenants together may hold; waiters are then served round-robin by tenant. */
  total: number;
  /** A waiter not served within this long is refused, so no request waits unbounded. */
  maxWaitMs: number;
}

interface Waiter {
  grant(release: Release | null): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A cap on the expensive reads (collection scans on FerretDB) each tenant has in flight in this
 * process. The fixed-window limit bounds how many a tenant starts per second, not how many run
 * at once: the searches it admits at the start of a window all land together and fill the
 * machine, and a neighbour's search queues behind them. Holding each tenant to a few at a time
 * leaves the rest of the machine to the others. Pure: no database, no clock but timers.
 *
 * Within a tenant, waiters are served first come first served; across tenants (when `total`
 * binds), round-robin, so a tenant with a long queue cannot take every freed slot.
 */
export class ConcurrencyCap {
  private readonly inFlight = new Map<string, number>();
  /** Insertion order is the round-robin order: a tenant served moves to the back. */
  private readonly waiting = new Map<string, Waiter[]>();
  private held = 0;

  constructor(private readonly options: ConcurrencyCapOptions) {}

  /** A slot now, a slot after a wait, or null: the tenant is at its cap and its queue is full. */
  acquire(tenant: string): Release | Promise<Release | null> | null {
    if (this.runnable(tenant) && !this.waiting.has(tenant)) return this.grant(tenant);
    const queue = this.waiting.get(tenant) ?? [];
    if (queue.length >= this.options.queuePerTenant) return null;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.drop(tenant, waiter);
          resolve(null);
        }, this.options.maxWaitMs),
      };
      queue.push(waiter);
      this.waiting.set(tenant, queue);
    });
  }

  /** For tests and metrics: slots held by a tenant, and all together. */
  holding(tenant?: string): number {
    return tenant === undefined ? this.held : (this.inFlight.get(tenant) ?? 0);
  }

  private runnable(tenant: string): boolean {
    return this.held < this.options.total && (this.inFlight.get(tenant) ?? 0) < this.options.perTenant;
  }

  private grant(tenant: string): Release {
    this.held++;
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      const n = this.inFlight.get(tenant)! - 1;
      if (n === 0) this.inFlight.delete(tenant);
      else this.inFlight.set(tenant, n);
      this.pump();
    };
  }

  /** Hands freed slots to waiters: the first tenant in round-robin order that may run. */
  private pump(): void {
    let served = true;
    while (served && this.held < this.options.total) {
      served = false;
      for (const [tenant, queue] of this.waiting) {
        if (!this.runnable(tenant)) continue;
        const waiter = queue.shift()!;
        this.waiting.delete(tenant);
        if (queue.length > 0) this.waiting.set(tenant, queue);
        clearTimeout(waiter.timer);
        waiter.grant(this.grant(tenant));
        served = true;
        break;
      }
    }
  }

  private drop(tenant: string, waiter: Waiter): void {
    const queue = this.waiting.get(tenant);
    if (!queue) return;
    const i = queue.indexOf(waiter);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.waiting.delete(tenant);
  }
}
