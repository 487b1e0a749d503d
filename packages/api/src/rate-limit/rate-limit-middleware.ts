import { rateLimitClassOf } from '@audit/shared';
import { t } from '../trpc/init.ts';
import { enforceRateLimit, retryAfterOf } from './rate-limiter.ts';
import { EXPENSIVE_READS, holdReadSlot } from './read-slots.ts';

/**
 * Every call made with an API key is counted, before its input is even read: a flood of bad
 * requests is limited like a flood of good ones. Admin-token calls are not limited. An expensive
 * read then also holds one of its tenant's read slots until it has its answer (see read-slots.ts).
 */
export const rateLimit = t.middleware(async ({ ctx, path, next }) => {
  const p = ctx.principal;
  if (p?.kind !== 'key') return next();
  const cls = rateLimitClassOf(path);
  await enforceRateLimit(ctx.deps, cls, p);
  if (!EXPENSIVE_READS.has(path)) return next();
  const release = await holdReadSlot(ctx.deps, cls, p);
  try {
    return await next();
  } finally {
    release();
  }
});

/** For the tRPC adapter's `responseMeta`: a refused call says when to come back. */
export function rateLimitHeaders({ errors }: { errors: readonly unknown[] }): { headers?: Record<string, string> } {
  for (const error of errors) {
    const seconds = retryAfterOf(error);
    if (seconds !== null) return { headers: { 'retry-after': String(seconds) } };
  }
  return {};
}
