export interface RetryOptions {
  /** Further attempts after the first; 0 turns retrying off. */
  retries: number;
  /** The wait before retry `n` (1-based); a `Retry-After` header, when sent, is waited instead if longer. */
  delayMs: (attempt: number) => number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, delayMs: (n) => 200 * 2 ** (n - 1) };

const MAX_RETRY_AFTER_MS = 30_000;

/**
 * `fetch` that sends a request again, byte for byte, when the API answers 503 (its database or
 * Temporal out of reach, or a proxy in front of it restarting) or the connection fails. Safe for
 * writes because every write this client sends carries an idempotency key: a retry of a request
 * that was stored after all returns the stored event instead of a second one.
 */
export function retryingFetch(base: typeof fetch, options: RetryOptions = DEFAULT_RETRY): typeof fetch {
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await base(input, init);
      } catch (err) {
        if (attempt >= options.retries || init?.signal?.aborted) throw err;
        await sleep(options.delayMs(attempt + 1));
        continue;
      }
      if (res.status !== 503 || attempt >= options.retries) return res;
      await res.body?.cancel();
      await sleep(Math.max(options.delayMs(attempt + 1), retryAfterMs(res.headers.get('retry-after'))));
    }
  };
}

function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
