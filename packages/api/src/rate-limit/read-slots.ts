import type { RateLimitClass } from '@audit/shared';
import type { ApiDeps } from '../deps.ts';
import { ConcurrencyCap, type Release } from './concurrency-cap.ts';
import { refusal, type RateLimitSubject } from './rate-limiter.ts';
import { SearchTimeBudget } from './search-time-budget.ts';

/**
 * The key-authenticated procedures that scan a collection on FerretDB (MongoDB answers them from
 * indexes, but a search's cost still grows with what it matches). `events.record` and
 * `events.get` are `_id` work and stay uncapped. Export is capped in its own route.
 */
export const EXPENSIVE_READS: ReadonlySet<string> = new Set([
  'events.list',
  'retention.status',
  'webhooks.deliveries',
  'webhooks.recover',
  'webhooks.replay',
]);

const NO_CAP: Release = () => {};

/** A single long read (an export to a slow client) refuses its tenant for at most this long. */
const MAX_RETRY_SECONDS = 10;

interface ReadLimits {
  cap: ConcurrencyCap | null;
  budget: SearchTimeBudget | null;
}

const limits = new WeakMap<ApiDeps, ReadLimits>();

/**
 * One cap and one budget per process (per deps): they count what this process is running and has
 * spent, nothing shared.
 */
function readLimitsFor(deps: ApiDeps): ReadLimits {
  const known = limits.get(deps);
  if (known) return known;
  const { RATE_LIMIT_ENABLED: on, RATE_LIMIT_CONCURRENT_READS: perTenant, RATE_LIMIT_SEARCH_MS_PER_SECOND: msPerSecond } = deps.config;
  const made: ReadLimits = {
    cap: on && perTenant > 0 ? new ConcurrencyCap(perTenant) : null,
    // Wall time, monotonic: deps.clock may be a test's fixed clock, and a read's duration is real time.
    budget: on && msPerSecond > 0 ? new SearchTimeBudget({ msPerSecond, maxRetrySeconds: MAX_RETRY_SECONDS, now: () => performance.now() }) : null,
  };
  limits.set(deps, made);
  return made;
}

/**
 * Admits an expensive read of the subject's tenant, or throws TOO_MANY_REQUESTS naming the limit
 * that refused it: the tenant's search-time budget (RATE_LIMIT_SEARCH_MS_PER_SECOND, with
 * Retry-After until it has refilled) when it has spent it, else the read cap (Retry-After 1: a
 * search ends in well under a second) when it holds all its read slots. The read is charged to the
 * budget for as long as it holds the slot; the release hands the slot back and ends the charge. The
 * caller must call the release on every exit path (a `finally`); it is idempotent.
 */
export async function holdReadSlot(deps: ApiDeps, cls: RateLimitClass, subject: RateLimitSubject): Promise<Release> {
  const { cap, budget } = readLimitsFor(deps);
  if (!cap && !budget) return NO_CAP;
  const tenant = subject.workspaceId ? `ws:${subject.workspaceId}` : `org:${subject.organizationId}`;
  const who = subject.workspaceId ? 'per workspace' : 'per organization';
  if (budget) {
    const decision = budget.check(tenant);
    if (!decision.ok) {
      deps.metrics?.rateLimited(cls, 'search_time');
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      const ms = deps.config.RATE_LIMIT_SEARCH_MS_PER_SECOND;
      throw refusal(`search time limit: at most ${ms} ms of search time per second ${who} (events.list, export and other scans); retry in ${seconds} s`, seconds);
    }
  }
  const slot = cap ? cap.acquire(tenant) : NO_CAP;
  if (slot) {
    if (!budget) return slot;
    // Charged for as long as it holds the slot; the end is idempotent, as the release must be.
    const end = budget.begin(tenant);
    return () => {
      slot();
      end();
    };
  }
  deps.metrics?.rateLimited(cls, 'concurrent_reads');
  const limit = deps.config.RATE_LIMIT_CONCURRENT_READS;
  const message = `concurrency limit: at most ${limit} ${limit === 1 ? 'search' : 'searches'} (events.list, export and other scans) in flight ${who}; retry in 1 s`;
  throw refusal(message, 1);
}
