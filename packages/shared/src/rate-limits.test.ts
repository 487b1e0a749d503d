import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { formatWindow, limitsFor, parseRateLimit, rateLimitClassOf } from './rate-limits.ts';

const base = { MONGODB_URI: 'mongodb://localhost/', TEMPORAL_ADDRESS: 'localhost:7233', ADMIN_TOKEN: 'x'.repeat(24) };

describe('rate limits', () => {
  it('parses requests per window', () => {
    expect(parseRateLimit('100/1s')).toEqual({ points: 100, windowMs: 1000 });
    expect(parseRateLimit('5/1m')).toEqual({ points: 5, windowMs: 60_000 });
    expect(parseRateLimit('20/s')).toEqual({ points: 20, windowMs: 1000 });
    expect(parseRateLimit('3/250ms')).toEqual({ points: 3, windowMs: 250 });
    for (const bad of ['', '100', '0/1s', '1/10ms', '1/2h', 'ten/1s', '1/1d'])
      expect(parseRateLimit(bad), bad).toBeNull();
  });

  it('quotes windows as a person reads them', () => {
    expect([1000, 60_000, 3_600_000, 1500].map(formatWindow)).toEqual(['1 s', '1 min', '1 h', '1500 ms']);
  });

  it('defaults: on, recording generous, search and export stricter', () => {
    const config = parseConfig(base);
    expect(config.RATE_LIMIT_ENABLED).toBe(true);
    expect(limitsFor(config, 'record')).toEqual({
      key: { points: 100, windowMs: 1000 },
      workspace: { points: 300, windowMs: 1000 },
    });
    expect(limitsFor(config, 'search')).toEqual({
      key: { points: 5, windowMs: 1000 },
      workspace: { points: 10, windowMs: 1000 },
    });
    expect(limitsFor(config, 'export').key).toEqual({ points: 5, windowMs: 60_000 });
  });

  it('stops start-up naming a malformed limit', () => {
    expect(() => parseConfig({ ...base, RATE_LIMIT_SEARCH_PER_KEY: 'lots' })).toThrow(
      /RATE_LIMIT_SEARCH_PER_KEY: must be <requests>\/<window>/,
    );
    expect(parseConfig({ ...base, RATE_LIMIT_ENABLED: 'false' }).RATE_LIMIT_ENABLED).toBe(false);
  });

  it('classes procedures', () => {
    expect(
      ['events.record', 'events.recordBatch', 'events.list', 'events.get', 'webhooks.create'].map(rateLimitClassOf),
    ).toEqual(['record', 'record', 'search', 'other', 'other']);
    // Any path a request may carry, known or not, is a class: none is read off an object's prototype.
    expect(['', 'nope', '__proto__', 'toString', 'constructor', 'hasOwnProperty'].map(rateLimitClassOf)).toEqual(
      Array(6).fill('other'),
    );
  });
});
