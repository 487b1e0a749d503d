import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import {
  classifyStatus,
  DEFAULT_RETRY_SCHEDULE,
  nextRetryDelay,
  parseRetryAfter,
  parseRetrySchedule,
} from './delivery-policy.ts';

describe('retry schedule', () => {
  it('parses the default: immediately, then up to a day apart', () => {
    expect(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
    ]);
    expect(parseRetrySchedule('0, 200ms, 400')).toEqual([0, 200, 400]);
  });

  it('names the bad entry', () => {
    expect(() => parseRetrySchedule('0,5x')).toThrow(/entry 2 "5x" must be a number with an optional unit/);
    expect(() => parseRetrySchedule('8d')).toThrow(/at most 7d/);
    expect(() =>
      parseConfig({
        MONGODB_URI: 'mongodb://x',
        TEMPORAL_ADDRESS: 'h:1',
        ADMIN_TOKEN: 'a'.repeat(24),
        WEBHOOK_RETRY_SCHEDULE: '1,,2',
      }),
    ).toThrow(/WEBHOOK_RETRY_SCHEDULE: entry 2 "" must be a number/);
    expect(() =>
      parseConfig({
        MONGODB_URI: 'mongodb://x',
        TEMPORAL_ADDRESS: 'h:1',
        ADMIN_TOKEN: 'a'.repeat(24),
        SECRET_ENCRYPTION_KEY: 'short',
      }),
    ).toThrow(/SECRET_ENCRYPTION_KEY: must be 32 bytes, base64/);
  });

  it('jitters within ±10 % and ends when the schedule is spent', () => {
    const s = [0, 1_000, 10_000];
    expect(nextRetryDelay(s, 1, null, () => 0)).toBe(900);
    expect(nextRetryDelay(s, 1, null, () => 1)).toBe(1_100);
    expect(nextRetryDelay(s, 2, null, () => 0.5)).toBe(10_000);
    expect(nextRetryDelay(s, 3, null, () => 0.5)).toBeNull();
  });

  it('honours a longer Retry-After, capped at a day, and never comes earlier than planned', () => {
    const s = [0, 1_000];
    expect(nextRetryDelay(s, 1, 30_000, () => 0.5)).toBe(30_000);
    expect(nextRetryDelay(s, 1, 10, () => 0.5)).toBe(1_000);
    expect(nextRetryDelay(s, 1, 30 * 86_400_000, () => 0.5)).toBe(86_400_000);
  });
});

describe('responses', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'retry'],
    [302, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'stop'],
    [401, 'stop'],
    [404, 'stop'],
    [413, 'stop'],
    [410, 'gone'],
  ])('%i is %s', (status, cls) => {
    expect(classifyStatus(status)).toBe(cls);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-11-30T05:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 05:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 04:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
