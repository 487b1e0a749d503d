import { describe, expect, it } from 'vitest';
import { minuteOf, minutesBetween } from './change-minute.ts';

describe('change minutes', () => {
  it('names the minute of a time, in UTC, sorting as the times do', () => {
    expect(minuteOf(new Date('2030-01-01T23:59:59.999Z'))).toBe('2030-01-01T23:59');
    expect(minuteOf(new Date('2030-01-02T00:00:00.000Z'))).toBe('2030-01-02T00:00');
    expect(minuteOf(new Date('2030-01-01T23:59:59Z')) < minuteOf(new Date('2030-01-02T00:00:00Z'))).toBe(true);
  });

  it('lists every minute of a window, both ends included', () => {
    expect(minutesBetween(new Date('2030-01-01T23:58:30Z'), new Date('2030-01-02T00:00:10Z'))).toEqual([
      '2030-01-01T23:58',
      '2030-01-01T23:59',
      '2030-01-02T00:00',
    ]);
    expect(minutesBetween(new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'))).toEqual([
      '2030-01-01T00:00',
    ]);
    expect(minutesBetween(new Date('2030-01-01T00:01:00Z'), new Date('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});
