/** Waits; rejects with the signal's reason as soon as the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal | null) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });

/**
 * A `Retry-After` in seconds, as the API sends it, in milliseconds; null when absent or not a
 * number of seconds (an HTTP date, which the API never sends, counts as absent).
 */
export function retryAfterMs(header: string | null): number | null {
  if (header === null || !/^\s*\d+(\.\d+)?\s*$/.test(header)) return null;
  return Number(header) * 1000;
}

/**
 * How long to wait before sending a rate-limited call again: what the API asked for (or
 * `fallbackMs` when it named no time), or null when that wait would take the call's waiting past
 * its budget. Past the budget the call fails at once rather than wait for an answer it cannot use.
 */
export function rateLimitWait(asked: number | null, fallbackMs: number, waitedMs: number, budgetMs: number) {
  const wait = asked ?? fallbackMs;
  return waitedMs + wait <= budgetMs ? wait : null;
}

/** A call still refused with 429 when waiting it out would pass the rate-limit wait budget. */
export class RateLimitWaitExceeded extends Error {
  override readonly name = 'RateLimitWaitExceeded';
  readonly status = 429;
  constructor(
    /** What the API asked to wait next; null when it named no time. */
    readonly retryAfterMs: number | null,
    /** Already spent waiting out earlier refusals of the same call. */
    readonly waitedMs: number,
    readonly budgetMs: number,
    /** The refusal's own message, naming the limit. */
    readonly apiMessage: string,
  ) {
    const asked = retryAfterMs === null ? 'to retry later' : `to retry in ${seconds(retryAfterMs)}`;
    super(
      `rate limited (429) and not retried: the API asks ${asked}, past the client's rate-limit wait budget ` +
        `(retry.rateLimitWaitMs: ${budgetMs} ms, ${seconds(waitedMs)} waited already): ${apiMessage}`,
    );
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * The message of a 429 body in any of the API's error shapes (tRPC's `{ error: { message } }`,
 * the export's the same, REST's `{ message }`), else its text cut short.
 */
export function refusalMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; message?: unknown } | null;
    const message = parsed?.error?.message ?? parsed?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: a proxy's page, say.
  }
  return body.trim().slice(0, 200) || 'Too Many Requests';
}
