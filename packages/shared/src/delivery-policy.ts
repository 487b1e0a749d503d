/**
 * How deliveries are retried and how a receiver's answer is read. Pure, so the workflow, the
 * activity and the tests agree on every number.
 */

/** Close to the Standard Webhooks guidance: immediately, then up to a day apart (~3 days in all). */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,14h,20h,24h';

export const DELIVERY_LIMITS = {
  requestTimeoutMs: 15_000,
  responseBodyBytes: 4 * 1024,
  maxScheduleEntries: 30,
  maxDelayMs: 7 * 24 * 3_600_000,
  /** A Retry-After beyond this is read as this: a receiver cannot park a delivery for weeks. */
  maxRetryAfterMs: 24 * 3_600_000,
  /** ±10 %: spreads retries of many events that failed together. */
  jitterRatio: 0.1,
  /** A destination failing every attempt for this long is disabled. */
  autoDisableAfterMs: 5 * 24 * 3_600_000,
  /** Consecutive failed attempts before the one "failures began" warning event. */
  warnAfterFailures: 3,
} as const;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0,5s,5m,2h` into delays in ms, one per attempt: the first is the wait before the first attempt. */
export function parseRetrySchedule(text: string): number[] {
  const entries = text.split(',').map((s) => s.trim());
  if (entries.length === 0 || entries.length > DELIVERY_LIMITS.maxScheduleEntries) {
    throw new Error(`WEBHOOK_RETRY_SCHEDULE: must list 1 to ${DELIVERY_LIMITS.maxScheduleEntries} delays`);
  }
  return entries.map((entry, i) => {
    const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(entry);
    if (!m)
      throw new Error(
        `WEBHOOK_RETRY_SCHEDULE: entry ${i + 1} "${entry}" must be a number with an optional unit (ms, s, m, h, d), e.g. 5s`,
      );
    const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
    if (ms > DELIVERY_LIMITS.maxDelayMs)
      throw new Error(`WEBHOOK_RETRY_SCHEDULE: entry ${i + 1} "${entry}" must be at most 7d`);
    return ms;
  });
}

export function retryScheduleFromConfig(value: string | undefined): number[] {
  return parseRetrySchedule(value ?? DEFAULT_RETRY_SCHEDULE);
}

export type ResponseClass = 'success' | 'retry' | 'stop' | 'gone';

/** 2xx succeed; 410 means the receiver is gone for good; 3xx, 408, 429 and 5xx may pass; other 4xx will not. */
export function classifyStatus(status: number): ResponseClass {
  if (status >= 200 && status < 300) return 'success';
  if (status === 410) return 'gone';
  if (status === 408 || status === 429 || (status >= 300 && status < 400) || status >= 500) return 'retry';
  return 'stop';
}

/** Retry-After as delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1_000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * The wait before attempt `nextIndex` (0-based position in the schedule), or null when the
 * schedule is spent. A Retry-After longer than the schedule's wait is honoured up to a day.
 */
export function nextRetryDelay(
  schedule: number[],
  nextIndex: number,
  retryAfterMs: number | null,
  random: () => number,
): number | null {
  const planned = schedule[nextIndex];
  if (planned === undefined) return null;
  const jitter = 1 + (random() * 2 - 1) * DELIVERY_LIMITS.jitterRatio;
  const jittered = Math.round(planned * jitter);
  const asked = retryAfterMs === null ? 0 : Math.min(retryAfterMs, DELIVERY_LIMITS.maxRetryAfterMs);
  return Math.max(jittered, asked);
}
