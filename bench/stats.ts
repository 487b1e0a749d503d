import { quantile, quantileSorted, sampleWithReplacement } from 'simple-statistics';

/** A ratio of two samples' quantiles with a bootstrap 95 % interval. */
export interface RatioEstimate {
  ratio: number;
  low: number;
  high: number;
}

/** mulberry32: a seeded source, so a run's interval (or a bench's data) can be reproduced. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `q`-quantile of `treated` over that of `baseline`, and a percentile-bootstrap 95 % interval:
 * both samples resampled with replacement `iterations` times. The interval is what tells an
 * effect from the machine's noise: a single run's ratio cannot.
 */
export function quantileRatio(
  baseline: number[],
  treated: number[],
  q: number,
  iterations = 2000,
  seed = 1,
): RatioEstimate {
  const random = seeded(seed);
  const at = (xs: number[]) =>
    quantileSorted(
      [...xs].sort((a, b) => a - b),
      q,
    );
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    ratios.push(
      at(sampleWithReplacement(treated, treated.length, random)) /
        at(sampleWithReplacement(baseline, baseline.length, random)),
    );
  }
  return { ratio: at(treated) / at(baseline), low: quantile(ratios, 0.025), high: quantile(ratios, 0.975) };
}

/**
 * "unchanged" when the whole interval lies within ±margin of 1 (an equivalence test, not "the
 * interval contains 1", which any noisy enough run would pass); else "slower"/"faster" when it
 * excludes 1; else "inconclusive" (the run was too noisy to tell).
 */
export function verdict(e: RatioEstimate, margin = 0.1): 'unchanged' | 'slower' | 'faster' | 'inconclusive' {
  if (e.low >= 1 - margin && e.high <= 1 + margin) return 'unchanged';
  if (e.low > 1) return 'slower';
  if (e.high < 1) return 'faster';
  return 'inconclusive';
}

export const showRatio = (e: RatioEstimate) => `x${e.ratio.toFixed(2)} [${e.low.toFixed(2)}-${e.high.toFixed(2)}]`;
