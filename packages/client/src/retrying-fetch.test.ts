import { describe, expect, it } from 'vitest';
import { chunks, withIdempotencyKey } from './batches.ts';
import { retryingFetch } from './retrying-fetch.ts';

const fast = { retries: 3, delayMs: () => 1 };

function scripted(answers: (number | 'drop')[]) {
  const bodies: unknown[] = [];
  const base = (async (_url: unknown, init?: RequestInit) => {
    bodies.push(init?.body);
    const next = answers.shift() ?? 200;
    if (next === 'drop') throw new TypeError('fetch failed');
    return new Response(next === 503 ? '<html>503</html>' : '{}', { status: next });
  }) as typeof fetch;
  return { base, bodies };
}

describe('retryingFetch', () => {
  it('sends the same request again on 503 and on a dropped connection', async () => {
    const { base, bodies } = scripted([503, 'drop', 200]);
    const res = await retryingFetch(base, fast)('http://x/trpc/events.record', { method: 'POST', body: '{"idempotencyKey":"k"}' });
    expect(res.status).toBe(200);
    expect(bodies).toEqual(['{"idempotencyKey":"k"}', '{"idempotencyKey":"k"}', '{"idempotencyKey":"k"}']);
  });

  it('gives up after the retries, answering the last 503', async () => {
    const { base, bodies } = scripted([503, 503, 503, 503, 503]);
    expect((await retryingFetch(base, fast)('http://x', {})).status).toBe(503);
    expect(bodies).toHaveLength(4);
  });

  it('does not retry other statuses', async () => {
    const { base, bodies } = scripted([429, 500, 400]);
    expect((await retryingFetch(base, fast)('http://x', {})).status).toBe(429);
    expect(bodies).toHaveLength(1);
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
