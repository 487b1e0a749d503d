export interface SearchTimeBudgetOptions {
  /** Milliseconds of search time a tenant earns per second; also what it may spend at once when rested. */
  msPerSecond: number;
  /**
   * A tenant's debt is kept to this many seconds of refill, so one long read (an export streaming
   * to a slow client holds its slot for as long as the client reads) refuses its tenant for at most
   * this long, not for minutes.
   */
  maxRetrySeconds: number;
  /** Milliseconds, monotonic: injected, so the tests need no timers. */
  now: () => number;
}

interface Account {
  /** Search time spent and not yet refilled, in ms, as of `at`. */
  spent: number;
  at: number;
  /** Reads of this tenant in flight: each adds 1 ms spent per ms it runs. */
  running: number;
}

export type BudgetDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A budget of search time per tenant, in this process: a token bucket refilling continuously at
 * `msPerSecond` ms per second, holding at most `msPerSecond` (one second's worth). An expensive
 * read is charged the wall time it holds its slot, from `begin` to the end it returns, as it runs:
 * its tenant's spending grows by 1 ms per ms per read in flight while the refill goes on, so a
 * read's cost is exactly its duration and the refill during a long read is not lost. While a
 * tenant's unrefilled spending exceeds one second's worth, its next read is refused (`check`)
 * until enough has refilled. The refill is continuous, so there is no window edge at which a
 * tenant may spend twice its budget at once. A budget of 1000 ms/s lets a tenant keep one read
 * running at all times; 200, one a fifth of the time. Request counts cannot tell a 2 ms search
 * from a 300 ms scan; this can. Pure: no timers, no database; the clock is injected.
 */
export class SearchTimeBudget {
  private readonly accounts = new Map<string, Account>();
  private lastSweep: number;

  constructor(private readonly options: SearchTimeBudgetOptions) {
    this.lastSweep = options.now();
  }

  /** Whether the tenant may start an expensive read now; if not, how long until it may (reads in flight ending now). */
  check(tenant: string): BudgetDecision {
    const now = this.options.now();
    this.sweep(now);
    const account = this.accounts.get(tenant);
    if (!account) return { ok: true };
    const over = this.settle(account, now) - this.options.msPerSecond;
    if (over <= 0) return { ok: true };
    return { ok: false, retryAfterMs: (over / this.options.msPerSecond) * 1000 };
  }

  /** A read of the tenant starts now; call the returned end once when it ends (later calls do nothing). */
  begin(tenant: string): () => void {
    const now = this.options.now();
    const account = this.accounts.get(tenant) ?? { spent: 0, at: now, running: 0 };
    this.settle(account, now);
    account.running++;
    this.accounts.set(tenant, account);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.settle(account, this.options.now());
      account.running--;
      // Swept while running? Its account is still this one: put it back.
      this.accounts.set(tenant, account);
    };
  }

  /** Charges the tenant `ms` of search time at once (a read whose duration is known only after). */
  charge(tenant: string, ms: number): void {
    if (!(ms > 0)) return;
    const now = this.options.now();
    const account = this.accounts.get(tenant) ?? { spent: 0, at: now, running: 0 };
    account.spent = Math.min(this.ceiling(), this.settle(account, now) + ms);
    this.accounts.set(tenant, account);
  }

  /** For tests and metrics: the tenant's unrefilled spending now, in ms. */
  spent(tenant: string): number {
    const account = this.accounts.get(tenant);
    return account ? this.settle(account, this.options.now()) : 0;
  }

  /** Tenants with an account (for tests: a rested tenant is forgotten). */
  get size(): number {
    return this.accounts.size;
  }

  private ceiling(): number {
    return this.options.msPerSecond * (1 + this.options.maxRetrySeconds);
  }

  /**
   * Brings the account to `now`: spending rises by `running` ms per ms and falls by the refill,
   * never below 0 nor above the ceiling. Linear between calls (`running` changes only at them),
   * so one step is exact.
   */
  private settle(account: Account, now: number): number {
    const dt = Math.max(0, now - account.at);
    const rate = account.running - this.options.msPerSecond / 1000;
    account.spent = Math.min(this.ceiling(), Math.max(0, account.spent + rate * dt));
    account.at = Math.max(account.at, now);
    return account.spent;
  }

  /** Forgets fully rested tenants, at most once a second, so the map holds only recent spenders. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [tenant, account] of this.accounts) if (account.running === 0 && this.settle(account, now) === 0) this.accounts.delete(tenant);
  }
}
