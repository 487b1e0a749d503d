import type { Response } from 'express';

/** Set on `res.locals` by early-refusal.ts; read by the request log (observability/http-logging.ts). */
const REPEAT_REFUSAL = 'rateLimitRepeatRefusal';

/**
 * A refusal answered from the limiter's memory: a repeat, the same key having been refused in the
 * same window through the full path before (that one is logged at info like any request). Kept
 * apart from early-refusal.ts so that the request log does not import the router.
 */
export function markRepeatRefusal(res: Response): void {
  res.locals[REPEAT_REFUSAL] = true;
}

export function isRepeatRefusal(res: Response): boolean {
  return res.locals?.[REPEAT_REFUSAL] === true;
}
