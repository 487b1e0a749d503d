import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countRanges, expandRanges, inRanges, isNormalRanges, toRanges } from './seq-ranges.ts';

describe('seq ranges', () => {
  it('merges adjacent numbers, in any order, once each', () => {
    expect(toRanges([5, 1, 2, 3, 9, 10, 3, 7])).toEqual([
      { first: 1, last: 3 },
      { first: 5, last: 5 },
      { first: 7, last: 7 },
      { first: 9, last: 10 },
    ]);
    expect(toRanges([])).toEqual([]);
    expect(
      countRanges([
        { first: 1, last: 3 },
        { first: 5, last: 5 },
        { first: 9, last: 10 },
      ]),
    ).toBe(6);
    expect(
      expandRanges([
        { first: 1, last: 3 },
        { first: 9, last: 10 },
      ]),
    ).toEqual([1, 2, 3, 9, 10]);
  });

  it('property: expand ∘ toRanges is the sorted set; inRanges agrees with membership; output is normal', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 })), fc.integer({ min: 0, max: 201 }), (seqs, probe) => {
        const r = toRanges(seqs);
        expect(expandRanges(r)).toEqual([...new Set(seqs)].sort((a, b) => a - b));
        expect(countRanges(r)).toBe(new Set(seqs).size);
        expect(inRanges(r, probe)).toBe(seqs.includes(probe));
        expect(isNormalRanges(r)).toBe(true);
      }),
    );
  });

  it('tells normal ranges from overlapping, adjacent, reversed or fractional ones', () => {
    expect(
      isNormalRanges([
        { first: 1, last: 2 },
        { first: 4, last: 4 },
      ]),
    ).toBe(true);
    expect(
      isNormalRanges([
        { first: 1, last: 2 },
        { first: 3, last: 4 },
      ]),
    ).toBe(false);
    expect(
      isNormalRanges([
        { first: 1, last: 5 },
        { first: 3, last: 8 },
      ]),
    ).toBe(false);
    expect(isNormalRanges([{ first: 4, last: 1 }])).toBe(false);
    expect(isNormalRanges([{ first: 1.5, last: 2 }])).toBe(false);
  });
});
