import { describe, expect, it } from 'vitest';
import { chunks, withIdempotencyKey } from './batches.ts';
import { RateLimitWaitExceeded } from './retry-after.ts';
import { retryingFetch } from './retrying-fetch.ts';

const fast = { retries: 3, delayMs: () => 1, rateLimitWaitMs: 60_000 };

type Answer = number | 'drop' | { status: number; retryAfter?: string; body?: string };

function scripted(answers: Answer[]) {
  const bodies: unknown[] = [];
  const base = (async (_url: unknown, init?: RequestInit) => {
    bodies.push(init?.body);
    const next = answers.shift() ?? 200;
    if (next === 'drop') throw new TypeError('fetch failed');
    const a = typeof next === 'number' ? { status: next } : next;
    const headers = a.retryAfter === undefined ? undefined : { 'retry-after': a.retryAfter };
    return new Response(a.body ?? (a.status === 503 ? '<html>503</html>' : '{}'), { status: a.status, headers });
  }) as typeof fetch;
  return { base, bodies };
}

/** A sleep that only notes what it was asked to wait: the waits of a call, without the time. */
function fakeSleep() {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

const limited = (retryAfter: string) => ({
  status: 429,
  retryAfter,
  body: '{"error":{"message":"rate limit: 2 requests per 1 s for search (events.list) per API key; retry in 1 s"}}',
});

describe('retryingFetch', () => {
  it('sends the same request again on 503 and on a dropped connection', async () => {
    const { base, bodies } = scripted([503, 'drop', 200]);
    const res = await retryingFetch(base, fast)('http://x/trpc/events.record', {
      method: 'POST',
      body: '{"idempotencyKey":"k"}',
    });
    expect(res.status).toBe(200);
    expect(bodies).toEqual(['{"idempotencyKey":"k"}', '{"idempotencyKey":"k"}', '{"idempotencyKey":"k"}']);
  });

  it('gives up after the retries, answering the last 503', async () => {
    const { base, bodies } = scripted([503, 503, 503, 503, 503]);
    expect((await retryingFetch(base, fast)('http://x', {})).status).toBe(503);
    expect(bodies).toHaveLength(4);
  });

  it('does not retry other statuses', async () => {
    const { base, bodies } = scripted([500, 400]);
    expect((await retryingFetch(base, fast)('http://x', {})).status).toBe(500);
    expect(bodies).toHaveLength(1);
  });
});

describe('retryingFetch on 429', () => {
  it("waits each Retry-After and sends the same request again, a write's key included", async () => {
    const { base, bodies } = scripted([limited('2'), limited('1'), 200]);
    const { slept, sleep } = fakeSleep();
    const body = '{"idempotencyKey":"k"}';
    const res = await retryingFetch(base, fast, sleep)('http://x/trpc/events.record', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(slept).toEqual([2000, 1000]);
    expect(bodies).toEqual([body, body, body]);
  });

  it('waits the backoff delay for a 429 that names no time', async () => {
    const { base } = scripted([{ status: 429 }, { status: 429, retryAfter: 'later' }, 200]);
    const { slept, sleep } = fakeSleep();
    const res = await retryingFetch(base, { ...fast, delayMs: (n) => 100 * n }, sleep)('http://x', {});
    expect(res.status).toBe(200);
    expect(slept).toEqual([100, 200]);
  });

  it('is bounded by the total wait, not a count, and fails naming the budget and the limit', async () => {
    const { base, bodies } = scripted([limited('20'), limited('20'), limited('20'), limited('20'), 200]);
    const { slept, sleep } = fakeSleep();
    const call = retryingFetch(base, fast, sleep)('http://x', {});
    await expect(call).rejects.toThrow(RateLimitWaitExceeded);
    await expect(call).rejects.toThrow(
      "the API asks to retry in 20 s, past the client's rate-limit wait budget (retry.rateLimitWaitMs: 60000 ms, " +
        '60 s waited already): rate limit: 2 requests per 1 s for search (events.list) per API key; retry in 1 s',
    );
    expect(slept).toEqual([20_000, 20_000, 20_000]);
    expect(bodies).toHaveLength(4);
  });

  it('does not wait at all when the first Retry-After is already over the budget, or the budget is 0', async () => {
    for (const [rateLimitWaitMs, retryAfter] of [
      [5_000, '6'],
      [0, '1'],
    ] as const) {
      const { base, bodies } = scripted([limited(retryAfter), 200]);
      const { slept, sleep } = fakeSleep();
      const err = await retryingFetch(
        base,
        { ...fast, rateLimitWaitMs },
        sleep,
      )('http://x', {}).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'RateLimitWaitExceeded', budgetMs: rateLimitWaitMs, waitedMs: 0 });
      expect([slept, bodies.length]).toEqual([[], 1]);
    }
  });

  it('counts 429s apart from the retries of 503s and dropped connections', async () => {
    const { base, bodies } = scripted([503, limited('1'), 'drop', limited('1'), 503, limited('1'), 200]);
    const { slept, sleep } = fakeSleep();
    const res = await retryingFetch(base, fast, sleep)('http://x', {});
    expect(res.status).toBe(200);
    expect(bodies).toHaveLength(7);
    expect(slept).toEqual([1, 1000, 1, 1000, 1, 1000]);
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const { base } = scripted([limited('30')]);
    const controller = new AbortController();
    const call = retryingFetch(base, fast)('http://x', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 5);
    await expect(call).rejects.toThrow('caller gave up');
  });
});

describe('batches', () => {
  it('keeps a key given, makes one up otherwise', () => {
    expect(withIdempotencyKey({ idempotencyKey: 'mine' }).idempotencyKey).toBe('mine');
    const made = [withIdempotencyKey({}), withIdempotencyKey({})].map((e) => e.idempotencyKey);
    expect(new Set(made).size).toBe(2);
  });

  it('splits in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
