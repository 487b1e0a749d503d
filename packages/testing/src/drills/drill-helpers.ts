/** Waits for a condition, polling; bounded so a drill that goes wrong fails rather than hangs. */
export async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An event for the API drills, keyed so a retried write is recognisably the same event. */
export const apiDrillEvent = (key: string) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'drill' },
  target: { type: 'stack', id: key },
  idempotencyKey: key,
});

/** An event for the delivery drills, numbered so its idempotency key and target follow from n. */
export const deliveryDrillEvent = (n: number) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_drill' },
  target: { type: 'stack', id: `stk_${n}` },
  idempotencyKey: `drill-${n}`,
});
