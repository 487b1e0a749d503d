import { describe, expect, it } from 'vitest';
import { rateLimitWait, RateLimitWaitExceeded, refusalMessage, retryAfterMs, sleep } from './retry-after.ts';

describe('retryAfterMs', () => {
  it('reads seconds, whole or not; anything else counts as absent', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 0.5 ')).toBe(500);
    expect(retryAfterMs('0')).toBe(0);
    expect([null, '', '-1', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', '1e3'].map(retryAfterMs)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('rateLimitWait', () => {
  it('waits what the API asks while the waits stay within the budget', () => {
    expect(rateLimitWait(3000, 200, 0, 60_000)).toBe(3000);
    expect(rateLimitWait(3000, 200, 57_000, 60_000)).toBe(3000);
    expect(rateLimitWait(3000, 200, 57_001, 60_000)).toBeNull();
    expect(rateLimitWait(61_000, 200, 0, 60_000)).toBeNull();
  });

  it('falls back to the backoff delay when the API names no time; a budget of 0 never waits', () => {
    expect(rateLimitWait(null, 400, 0, 60_000)).toBe(400);
    expect(rateLimitWait(1000, 200, 0, 0)).toBeNull();
  });
});

describe('RateLimitWaitExceeded', () => {
  it('names the budget, what was asked and waited, and the limit', () => {
    const err = new RateLimitWaitExceeded(45_000, 20_000, 60_000, 'rate limit: 5 requests per 1 min for export');
    expect(err.message).toBe(
      "rate limited (429) and not retried: the API asks to retry in 45 s, past the client's rate-limit wait budget " +
        '(retry.rateLimitWaitMs: 60000 ms, 20 s waited already): rate limit: 5 requests per 1 min for export',
    );
    expect(new RateLimitWaitExceeded(null, 0, 0, 'x').message).toMatch(
      /asks to retry later, past .*retry\.rateLimitWaitMs: 0 ms/,
    );
  });
});

describe('refusalMessage', () => {
  it("reads the message of each of the API's error bodies, else the text", () => {
    expect(refusalMessage('{"error":{"message":"rate limit: a","code":-32029,"data":{}}}')).toBe('rate limit: a');
    expect(refusalMessage('{"message":"rate limit: b","code":"TOO_MANY_REQUESTS"}')).toBe('rate limit: b');
    expect(refusalMessage('<html>slow down</html>\n')).toBe('<html>slow down</html>');
    expect(refusalMessage('')).toBe('Too Many Requests');
  });
});

describe('sleep', () => {
  it('resolves after the time, and rejects with the reason when aborted', async () => {
    await sleep(1);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    await expect(sleep(1, controller.signal)).rejects.toThrow('gone');
  });
});
