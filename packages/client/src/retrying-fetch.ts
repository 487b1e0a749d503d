import {
  rateLimitWait,
  RateLimitWaitExceeded,
  refusalMessage,
  retryAfterMs,
  sleep as realSleep,
  type Sleep,
} from './retry-after.ts';

export interface RetryOptions {
  /** Further attempts after a 503 or a dropped connection; 0 turns that retrying off. */
  retries: number;
  /**
   * The wait before retry `n` (1-based) after a 503 or a dropped connection; a `Retry-After`
   * header, when sent, is waited instead if longer. Also the wait after a 429 that names no time.
   */
  delayMs: (attempt: number) => number;
  /**
   * The most one call waits, in all, for the API's rate limits: each 429 is waited out for its
   * `Retry-After` and sent again while the waits add up to no more than this (0: no waiting).
   */
  rateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, delayMs: (n) => 200 * 2 ** (n - 1), rateLimitWaitMs: 60_000 };

const MAX_503_RETRY_AFTER_MS = 30_000;

/** One call: its request, and what it has used so far of its retries and rate-limit wait budget. */
interface Call {
  init: RequestInit | undefined;
  options: RetryOptions;
  sleep: Sleep;
  failures: number;
  rateLimited: number;
  waitedMs: number;
}

const AGAIN = Symbol('again');

/**
 * `fetch` that sends a request again, byte for byte, when the API answers 503 (its database or
 * Temporal out of reach, or a proxy in front of it restarting) or the connection fails, and when
 * it answers 429 (a rate limit), after the `Retry-After` it names. Safe for writes because every
 * write this client sends carries an idempotency key: a retry of a request that was stored after
 * all returns the stored event instead of a second one. A 429 is safer still: the API refuses a
 * call over its limit before reading its input.
 */
export function retryingFetch(
  base: typeof fetch,
  options: RetryOptions = DEFAULT_RETRY,
  sleep: Sleep = realSleep,
): typeof fetch {
  return async (input, init) => {
    const call: Call = { init, options, sleep, failures: 0, rateLimited: 0, waitedMs: 0 };
    for (;;) {
      const res = await send(base, input, call);
      if (res === AGAIN) continue;
      if (res.status === 503 && call.failures < options.retries) await waitOutUnavailable(res, call);
      else if (res.status === 429) await waitOutRateLimit(res, call);
      else return res;
    }
  };
}

/** One attempt; a failed connection is waited out (and AGAIN answered) while retries remain. */
async function send(base: typeof fetch, input: string | URL | Request, call: Call): Promise<Response | typeof AGAIN> {
  try {
    return await base(input, call.init);
  } catch (err) {
    if (call.failures >= call.options.retries || call.init?.signal?.aborted) throw err;
    await call.sleep(call.options.delayMs(++call.failures), call.init?.signal);
    return AGAIN;
  }
}

async function waitOutUnavailable(res: Response, call: Call): Promise<void> {
  await res.body?.cancel();
  const asked = Math.min(retryAfterMs(res.headers.get('retry-after')) ?? 0, MAX_503_RETRY_AFTER_MS);
  await call.sleep(Math.max(call.options.delayMs(++call.failures), asked), call.init?.signal);
}

/** Waits out a 429 within the budget, or throws RateLimitWaitExceeded naming it and the limit. */
async function waitOutRateLimit(res: Response, call: Call): Promise<void> {
  const { options } = call;
  const asked = retryAfterMs(res.headers.get('retry-after'));
  const wait = rateLimitWait(asked, options.delayMs(++call.rateLimited), call.waitedMs, options.rateLimitWaitMs);
  if (wait === null) {
    const message = refusalMessage(await res.text().catch(() => ''));
    throw new RateLimitWaitExceeded(asked, call.waitedMs, options.rateLimitWaitMs, message);
  }
  await res.body?.cancel();
  call.waitedMs += wait;
  await call.sleep(wait, call.init?.signal);
}
