import { TRPCError } from '@trpc/server';
import { formatWindow, limitsFor, RATE_LIMIT_LABELS, type RateLimit, type RateLimitClass } from '@audit/shared';
import type { ApiDeps } from '../deps.ts';
import { FixedWindowLimiter } from './fixed-window.ts';

/** Who a call is counted for: its key, and its workspace (an organization key's: its organization). */
export interface RateLimitSubject {
  keyId: string;
  organizationId: string;
  workspaceId: string | null;
}

/** The cause of a TOO_MANY_REQUESTS: every HTTP surface reads it for `Retry-After`. */
export class RateLimited extends Error {
  override readonly name = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export function retryAfterOf(error: unknown): number | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof RateLimited ? cause.retryAfterSeconds : null;
}

const limiters = new WeakMap<ApiDeps, FixedWindowLimiter>();
const lastFailureLog = new WeakMap<ApiDeps, number>();
const FAILURE_LOG_EVERY_MS = 10_000;

/** One limiter per process (per deps): its memory of full windows is what saves the database work. */
function limiterFor(deps: ApiDeps): FixedWindowLimiter {
  let limiter = limiters.get(deps);
  if (!limiter) {
    limiter = new FixedWindowLimiter(deps.store.rateLimits, (err) => deps.log.warn({ error: String(err) }, 'rate limit sweep failed'));
    limiters.set(deps, limiter);
  }
  return limiter;
}

/**
 * Counts one call against the key's and the workspace's limit of its class; throws
 * TOO_MANY_REQUESTS naming the limit when either is used up. Fails open: with the limiter's
 * database out of reach the call goes on (and meets the outage itself as a 503), logged at most
 * every 10 s, so a limiter fault never turns into an error of its own.
 */
export async function enforceRateLimit(deps: ApiDeps, cls: RateLimitClass, subject: RateLimitSubject): Promise<void> {
  if (!deps.config.RATE_LIMIT_ENABLED) return;
  const limits = limitsFor(deps.config, cls);
  const tenant = subject.workspaceId ? `ws:${subject.workspaceId}` : `org:${subject.organizationId}`;
  const scopes = [
    { bucket: `${cls}:key:${subject.keyId}`, limit: limits.key, who: 'per API key', scope: 'key' as const },
    { bucket: `${cls}:${tenant}`, limit: limits.workspace, who: subject.workspaceId ? 'per workspace' : 'per organization', scope: 'workspace' as const },
  ];
  for (const { bucket, limit, who, scope } of scopes) {
    const now = deps.clock().getTime();
    let decision;
    try {
      decision = await limiterFor(deps).take(bucket, limit, now);
    } catch (err) {
      logFailure(deps, now, err);
      return;
    }
    if (!decision.ok) {
      deps.metrics?.rateLimited(cls, scope);
      throw tooManyRequests(cls, limit, who, decision.retryAfterMs);
    }
  }
}

function tooManyRequests(cls: RateLimitClass, limit: RateLimit, who: string, retryAfterMs: number): TRPCError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const message = `rate limit: ${limit.points} requests per ${formatWindow(limit.windowMs)} for ${RATE_LIMIT_LABELS[cls]} ${who}; retry in ${seconds} s`;
  return new TRPCError({ code: 'TOO_MANY_REQUESTS', message, cause: new RateLimited(message, seconds) });
}

function logFailure(deps: ApiDeps, now: number, err: unknown): void {
  if (now - (lastFailureLog.get(deps) ?? 0) < FAILURE_LOG_EVERY_MS) return;
  lastFailureLog.set(deps, now);
  deps.log.warn({ error: String(err) }, 'rate limiter unavailable; admitting requests unlimited');
}
