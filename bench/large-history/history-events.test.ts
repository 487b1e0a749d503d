import { describe, expect, it } from 'vitest';
import { RECORDABLE_CATEGORIES, RecordEventInputSchema, searchTokens } from '@audit/shared';
import { historyEvent } from './history-events.ts';
import { NEEDLE, RARE } from './vocabulary.ts';

const SAMPLE = 20_000;
const events = Array.from({ length: SAMPLE }, (_, i) => historyEvent(i, 7));
const share = (test: (tokens: string[]) => boolean) => events.filter((e) => test(searchTokens(e))).length / SAMPLE;

describe('historyEvent', () => {
  it('makes events the API accepts, the same for the same index and seed', () => {
    for (const e of events.slice(0, 2_000)) expect(RecordEventInputSchema.safeParse(e).success).toBe(true);
    expect(historyEvent(123, 7)).toEqual(events[123]);
    expect(historyEvent(123, 8)).not.toEqual(events[123]);
  });

  it('covers every recordable category, and only those', () => {
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(RECORDABLE_CATEGORIES));
  });

  it('has common words, rare ones, and never the needle', () => {
    expect(share((t) => t.includes('deploy'))).toBeGreaterThan(0.3);
    const rare = share((t) => RARE.some((w) => t.includes(w)));
    expect(rare).toBeGreaterThan(0);
    expect(rare).toBeLessThan(0.01);
    expect(share((t) => t.some((w) => w.includes(NEEDLE)))).toBe(0);
  });

  it('gives each benchmark shape something to find, none of them everything', () => {
    for (const test of [
      (t: string[]) => t.includes('actor:grace'),
      (t: string[]) => t.includes('lock.created'),
      (t: string[]) => t.some((w) => w.startsWith('target:prod')),
      (t: string[]) => t.includes('drift') && t.includes('detected'),
    ]) {
      const s = share(test);
      expect(s).toBeGreaterThan(0.005);
      expect(s).toBeLessThan(0.5);
    }
  });
});
