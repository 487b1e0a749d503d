/**
 * Inclusive ranges of sequence numbers, ascending, non-overlapping and non-adjacent, as objects:
 * `[{ "first": 1, "last": 250 }, { "first": 252, "last": 300 }]`. Not `[[1, 250]]`: FerretDB (and
 * so the event metadata a checkpoint travels in) cannot store an array directly inside an array.
 */
export interface SeqRange {
  first: number;
  last: number;
}
export type SeqRanges = SeqRange[];

/** The ranges of a set of sequence numbers (any order, duplicates allowed). */
export function toRanges(seqs: Iterable<number>): SeqRanges {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: SeqRanges = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last.last + 1) last.last = s;
    else out.push({ first: s, last: s });
  }
  return out;
}

/** Every number the ranges hold, ascending. */
export function expandRanges(r: SeqRanges): number[] {
  const out: number[] = [];
  for (const { first, last } of r) for (let s = first; s <= last; s++) out.push(s);
  return out;
}

export function countRanges(r: SeqRanges): number {
  let n = 0;
  for (const { first, last } of r) n += last - first + 1;
  return n;
}

/** Binary search: whether `seq` lies in one of the ranges. */
export function inRanges(r: SeqRanges, seq: number): boolean {
  return indexInRanges(r, seq) !== null;
}

/** The position of `seq` among the numbers the ranges hold (its leaf index), or null when absent. */
export function indexInRanges(r: SeqRanges, seq: number): number | null {
  let before = 0;
  for (const { first, last } of r) {
    if (seq < first) return null;
    if (seq <= last) return before + (seq - first);
    before += last - first + 1;
  }
  return null;
}

/** Whether `r` is in the normal form SeqRanges promises (integers, ascending, non-adjacent). */
export function isNormalRanges(r: SeqRanges): boolean {
  if (!Array.isArray(r)) return false;
  let prev = -Infinity;
  for (const range of r) {
    if (typeof range !== 'object' || range === null) return false;
    const { first, last } = range;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first > last || first <= prev + 1) return false;
    prev = last;
  }
  return true;
}
