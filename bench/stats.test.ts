import { describe, expect, it } from 'vitest';
import { quantileRatio, verdict } from './stats.ts';

/** Latency-like samples: 40 ms plus a seeded long tail. */
function latencies(n: number, scale: number, seed: number): number[] {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, () => scale * (40 - 8 * Math.log(1 - next())));
}

describe('quantileRatio and verdict', () => {
  it('calls two samples of one distribution unchanged, with an interval around 1', () => {
    const e = quantileRatio(latencies(400, 1, 7), latencies(400, 1, 11), 0.5);
    expect(e.low).toBeLessThan(1);
    expect(e.high).toBeGreaterThan(1);
    expect(verdict(e)).toBe('unchanged');
  });

  it('calls a 30 % slower sample slower, and a faster one faster', () => {
    const slower = quantileRatio(latencies(400, 1, 7), latencies(400, 1.3, 11), 0.5);
    expect(slower.ratio).toBeGreaterThan(1.2);
    expect(verdict(slower)).toBe('slower');
    expect(verdict(quantileRatio(latencies(400, 1.3, 7), latencies(400, 1, 11), 0.5))).toBe('faster');
  });

  it('will not call a sample too small to tell unchanged', () => {
    const e = quantileRatio(latencies(6, 1, 7), latencies(6, 1, 11), 0.9);
    expect(e.high - e.low).toBeGreaterThan(0.2);
    expect(verdict(e)).toBe('inconclusive');
  });

  it('is reproducible from its seed', () => {
    const [a, b] = [latencies(100, 1, 3), latencies(100, 1.1, 5)];
    expect(quantileRatio(a, b, 0.5, 500, 42)).toEqual(quantileRatio(a, b, 0.5, 500, 42));
  });
});
