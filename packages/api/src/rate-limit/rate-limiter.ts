import { TRPCError } from '@trpc/server';
import type { Response } from 'express';
import { formatWindow, limitsFor, RATE_LIMIT_LABELS, type RateLimit, type RateLimitClass } from '@audit/shared';
import type { ApiDeps } from '../deps.ts';
import { ConcurrencyCap, type Release } from './concurrency-cap.ts';
import { FixedWindowLimiter } from './fixed-window.ts';
import { markRepeatRefusal } from './refusal-log.ts';

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
    /** Answered from this process's memory of a full window: the request log samples these. */
    readonly repeat: boolean,
  ) {
    super(message);
  }
}

export function rateLimitedOf(error: unknown): RateLimited | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof RateLimited ? cause : null;
}

export function retryAfterOf(error: unknown): number | null {
  return rateLimitedOf(error)?.retryAfterSeconds ?? null;
}

/** For any HTTP answer to `error`: on a refusal, its `Retry-After`, and the request log's mark of a repeat. */
export function markRefusal(res: Response, error: unknown): void {
  const refusal = rateLimitedOf(error);
  if (!refusal) return;
  res.setHeader('retry-after', String(refusal.retryAfterSeconds));
  if (refusal.repeat) markRepeatRefusal(res);
}

const FAILURE_LOG_EVERY_MS = 10_000;
const NO_SLOT_NEEDED: Release = () => {};

/**
 * The rate limits of one API process: built once with the app (app.ts), used by every surface
 * that counts a call (http-rate-limit.ts for /trpc and REST, the export routes). It holds the
 * fixed windows' memory of full windows, which is what makes a refusal cost no database work,
 * and the exports in flight per tenant.
 */
export class RateLimiter {
  private readonly windows: FixedWindowLimiter;
  private readonly exports: ConcurrencyCap | null;
  private lastFailureLog = 0;

  constructor(private readonly deps: Pick<ApiDeps, 'config' | 'store' | 'log' | 'metrics' | 'clock'>) {
    this.windows = new FixedWindowLimiter(deps.store.rateLimits, (err) =>
      deps.log.warn({ error: String(err) }, 'rate limit sweep failed'),
    );
    const perTenant = deps.config.RATE_LIMIT_CONCURRENT_EXPORTS;
    this.exports = deps.config.RATE_LIMIT_ENABLED && perTenant > 0 ? new ConcurrencyCap(perTenant) : null;
  }

  get enabled(): boolean {
    return this.deps.config.RATE_LIMIT_ENABLED;
  }

  /**
   * Counts one call against the key's and the workspace's limit of its class; throws
   * TOO_MANY_REQUESTS naming the limit when either is used up. The key is counted first, so a
   * call refused by its key takes no workspace point. Fails open: with the limiter's database out
   * of reach the call goes on (and meets the outage itself as a 503), logged at most every 10 s,
   * so a limiter fault never turns into an error of its own.
   */
  async enforce(cls: RateLimitClass, subject: RateLimitSubject): Promise<void> {
    if (!this.enabled) return;
    for (const { bucket, limit, who, scope } of this.scopesOf(cls, subject)) {
      const now = this.deps.clock().getTime();
      let decision;
      try {
        decision = await this.windows.take(bucket, limit, now);
      } catch (err) {
        this.logFailure(now, err);
        return;
      }
      if (!decision.ok) {
        this.deps.metrics?.rateLimited(cls, scope);
        throw tooManyRequests(cls, limit, who, decision.retryAfterMs, decision.repeat);
      }
    }
  }

  /**
   * One of the tenant's export slots, held until the release is called (on every exit path: it
   * is idempotent); or TOO_MANY_REQUESTS with `Retry-After: 1` when the tenant already has
   * RATE_LIMIT_CONCURRENT_EXPORTS exports streaming in this process.
   */
  holdExportSlot(subject: RateLimitSubject): Release {
    if (!this.exports) return NO_SLOT_NEEDED;
    const slot = this.exports.acquire(
      subject.workspaceId ? `ws:${subject.workspaceId}` : `org:${subject.organizationId}`,
    );
    if (slot) return slot;
    this.deps.metrics?.rateLimited('export', 'concurrent_exports');
    const n = this.deps.config.RATE_LIMIT_CONCURRENT_EXPORTS;
    const who = subject.workspaceId ? 'per workspace' : 'per organization';
    // Logged at info, not sampled: the export window admitted this call, so these are as few as its admissions.
    throw refusal(
      `concurrency limit: at most ${n} ${n === 1 ? 'export' : 'exports'} in flight ${who}; retry in 1 s`,
      1,
      false,
    );
  }

  private scopesOf(cls: RateLimitClass, subject: RateLimitSubject) {
    const limits = limitsFor(this.deps.config, cls);
    const tenant = subject.workspaceId ? `ws:${subject.workspaceId}` : `org:${subject.organizationId}`;
    return [
      { bucket: `${cls}:key:${subject.keyId}`, limit: limits.key, who: 'per API key', scope: 'key' as const },
      {
        bucket: `${cls}:${tenant}`,
        limit: limits.workspace,
        who: subject.workspaceId ? 'per workspace' : 'per organization',
        scope: 'workspace' as const,
      },
    ];
  }

  private logFailure(now: number, err: unknown): void {
    if (now - this.lastFailureLog < FAILURE_LOG_EVERY_MS) return;
    this.lastFailureLog = now;
    this.deps.log.warn({ error: String(err) }, 'rate limiter unavailable; admitting requests unlimited');
  }
}

/**
 * A TOO_MANY_REQUESTS carrying its Retry-After, built without stack frames: a refusal is an
 * expected answer, not a fault, and a tenant at its limit is refused hundreds of times a second.
 * Outside production an error body carries `stack`, and formatting one through tsx's source maps
 * was a measurable share of the API's CPU time under such a flood; the body keeps its `stack`
 * field, holding only the error's name and message.
 */
function tooManyRequests(
  cls: RateLimitClass,
  limit: RateLimit,
  who: string,
  retryAfterMs: number,
  repeat: boolean,
): TRPCError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return refusal(
    `rate limit: ${limit.points} requests per ${formatWindow(limit.windowMs)} for ${RATE_LIMIT_LABELS[cls]} ${who}; retry in ${seconds} s`,
    seconds,
    repeat,
  );
}

function refusal(message: string, seconds: number, repeat: boolean): TRPCError {
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TRPCError({ code: 'TOO_MANY_REQUESTS', message, cause: new RateLimited(message, seconds, repeat) });
  } finally {
    Error.stackTraceLimit = frames;
  }
}
