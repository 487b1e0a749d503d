import type { RateLimitClass } from '@audit/shared';
import type { ApiDeps } from '../deps.ts';
import { ConcurrencyCap, type Release } from './concurrency-cap.ts';
import { refusal, type RateLimitSubject } from './rate-limiter.ts';

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

/** Unused while the queue is 0; bounds any wait should one be configured. */
const MAX_WAIT_MS = 1_000;

const caps = new WeakMap<ApiDeps, ConcurrencyCap | null>();

/** One cap per process (per deps): it counts what this process is running, nothing shared. */
function capFor(deps: ApiDeps): ConcurrencyCap | null {
  if (caps.has(deps)) return caps.get(deps)!;
  const perTenant = deps.config.RATE_LIMIT_CONCURRENT_READS;
  const cap = deps.config.RATE_LIMIT_ENABLED && perTenant > 0
    ? new ConcurrencyCap({
        perTenant,
        // Refused at once, no wait, no total: measured by bench/rate-limit-cost.ts (README,
        // Performance), a wait queue of 2 and a round-robin total of 2 both left the neighbour
        // slower than refusing at once; a waiting search starts the moment a slot frees, so the
        // tenant keeps its slots busy, where a refused one has to come back.
        queuePerTenant: 0,
        total: Number.POSITIVE_INFINITY,
        maxWaitMs: MAX_WAIT_MS,
      })
    : null;
  caps.set(deps, cap);
  return cap;
}

const NO_CAP: Release = () => {};

/**
 * Takes one of the subject's tenant's read slots; throws TOO_MANY_REQUESTS naming the cap (with
 * Retry-After 1: a search ends in well under a second) when the tenant holds them all. The caller must call the release on every
 * exit path (a `finally`); it is idempotent.
 */
export async function holdReadSlot(deps: ApiDeps, cls: RateLimitClass, subject: RateLimitSubject): Promise<Release> {
  const cap = capFor(deps);
  if (!cap) return NO_CAP;
  const tenant = subject.workspaceId ? `ws:${subject.workspaceId}` : `org:${subject.organizationId}`;
  const slot = await cap.acquire(tenant);
  if (slot) return slot;
  deps.metrics?.rateLimited(cls, 'concurrent_reads');
  const who = subject.workspaceId ? 'per workspace' : 'per organization';
  const limit = deps.config.RATE_LIMIT_CONCURRENT_READS;
  const message = `concurrency limit: at most ${limit} ${limit === 1 ? 'search' : 'searches'} (events.list, export and other scans) in flight ${who}; retry in 1 s`;
  throw refusal(message, 1);
}
