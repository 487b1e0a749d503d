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
  for (const { bucket, limit, who, scope } of scopesOf(deps, cls, subject)) {
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

/** In the order they are counted: the key first, so a call refused by its key takes no workspace point. */
function scopesOf(deps: ApiDeps, cls: RateLimitClass, subject: RateLimitSubject) {
  const limits = limitsFor(deps.config, cls);
  const tenant = subject.workspaceId ? `ws:${subject.workspaceId}` : `org:${subject.organizationId}`;
  return [
    { bucket: `${cls}:key:${subject.keyId}`, limit: limits.key, who: 'per API key', scope: 'key' as const },
    { bucket: `${cls}:${tenant}`, limit: limits.workspace, who: subject.workspaceId ? 'per workspace' : 'per organization', scope: 'workspace' as const },
  ];
}

/**
 * Whether this process may already know some window to be full: false unless a tenant is at its
 * limit here, so the early refusal (early-refusal.ts) costs other calls one comparison.
 */
export function mayRefuseFromMemory(deps: ApiDeps): boolean {
  if (!deps.config.RATE_LIMIT_ENABLED) return false;
  const limiter = limiters.get(deps);
  return limiter !== undefined && limiter.mayKnowFull(deps.clock().getTime());
}

/**
 * The TOO_MANY_REQUESTS `enforceRateLimit` would throw for this call without a database call,
 * counted in `audit_rate_limited_total` as it would be; null when it would have to ask the
 * database (or would admit the call). Only the key's window is answered from memory: when the
 * key still has room, `enforceRateLimit` takes a point of it before it looks at the workspace,
 * and answering the workspace's refusal here would skip that point.
 */
export function knownRefusal(deps: ApiDeps, cls: RateLimitClass, subject: RateLimitSubject): TRPCError | null {
  if (!deps.config.RATE_LIMIT_ENABLED) return null;
  const limiter = limiters.get(deps);
  if (!limiter) return null;
  const { bucket, limit, who, scope } = scopesOf(deps, cls, subject)[0]!;
  const decision = limiter.knownRefusal(bucket, limit, deps.clock().getTime());
  if (!decision || decision.ok) return null;
  deps.metrics?.rateLimited(cls, scope);
  return tooManyRequests(cls, limit, who, decision.retryAfterMs);
}

function tooManyRequests(cls: RateLimitClass, limit: RateLimit, who: string, retryAfterMs: number): TRPCError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const message = `rate limit: ${limit.points} requests per ${formatWindow(limit.windowMs)} for ${RATE_LIMIT_LABELS[cls]} ${who}; retry in ${seconds} s`;
  return refusal(message, seconds);
}

/**
 * A TOO_MANY_REQUESTS carrying its Retry-After, built without stack frames: a refusal is an
 * expected answer, not a fault, and a tenant at its limit is refused hundreds of times a second.
 * Outside production tRPC puts `stack` in the error body, and formatting one through tsx's source
 * maps was about 4% of the API's CPU time under such a flood (bench/rate-limit-cost.ts); the body
 * keeps its `stack` field, holding only the error's name and message.
 */
export function refusal(message: string, retryAfterSeconds: number): TRPCError {
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TRPCError({ code: 'TOO_MANY_REQUESTS', message, cause: new RateLimited(message, retryAfterSeconds) });
  } finally {
    Error.stackTraceLimit = frames;
  }
}

function logFailure(deps: ApiDeps, now: number, err: unknown): void {
  if (now - (lastFailureLog.get(deps) ?? 0) < FAILURE_LOG_EVERY_MS) return;
  lastFailureLog.set(deps, now);
  deps.log.warn({ error: String(err) }, 'rate limiter unavailable; admitting requests unlimited');
}
