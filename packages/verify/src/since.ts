import type { VerifyInput } from '@audit/shared/integrity/verify-core';

/**
 * Narrows a log to the checkpoints sealed at or after `since` (from the first such checkpoint
 * on, in number order, so the chain is checked from there), the events with seqs from that
 * checkpoint's `from` on, and the held copies from that number on. With no checkpoint that late,
 * only the events after every checkpoint remain (they are unsealed) and held copies newer than
 * the service's newest.
 */
export function applySince(input: VerifyInput, since: Date): VerifyInput {
  const sorted = [...input.checkpoints].sort((a, b) => a.number - b.number);
  const first = sorted.find((c) => Date.parse(c.sealedAt) >= since.getTime());
  if (!first) {
    const through = Math.max(0, ...sorted.map((c) => c.through));
    const newest = Math.max(0, ...sorted.map((c) => c.number));
    return {
      ...input,
      checkpoints: [],
      events: input.events.filter((e) => e.seq > through),
      ...(input.held && { held: input.held.filter((h) => h.number > newest) }),
    };
  }
  return {
    ...input,
    checkpoints: sorted.filter((c) => c.number >= first.number),
    events: input.events.filter((e) => e.seq >= first.from),
    ...(input.held && { held: input.held.filter((h) => h.number >= first.number) }),
  };
}
