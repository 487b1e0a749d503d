import type { Response } from 'express';

/** Set on `res.locals` where a refusal is answered; read by the request log (observability/http-logging.ts). */
const REPEAT_REFUSAL = 'rateLimitRepeatRefusal';

/**
 * A refusal the limiter answered from memory: a repeat, the same window having been found full
 * by this process before (that first refusal is logged at info like any request). Kept apart
 * from the limiter so that the request log imports nothing else of it.
 */
export function markRepeatRefusal(res: Response): void {
  res.locals[REPEAT_REFUSAL] = true;
}

export function isRepeatRefusal(res: Response): boolean {
  return res.locals?.[REPEAT_REFUSAL] === true;
}
