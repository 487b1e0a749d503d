/** The same key for the same event on every attempt, and a fresh one for each event sent without. */
export function withIdempotencyKey<E extends { idempotencyKey?: string | undefined }>(
  event: E,
): E & { idempotencyKey: string } {
  return { ...event, idempotencyKey: event.idempotencyKey ?? globalThis.crypto.randomUUID() };
}

/** Consecutive chunks of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
