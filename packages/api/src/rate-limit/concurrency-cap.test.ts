import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyCap, type Release } from './concurrency-cap.ts';

const cap = (o: Partial<ConstructorParameters<typeof ConcurrencyCap>[0]> = {}) =>
  new ConcurrencyCap({ perTenant: 2, queuePerTenant: 0, total: Number.POSITIVE_INFINITY, maxWaitMs: 1_000, ...o });

/** A slot granted at once (not a promise, not a refusal). */
function now(slot: ReturnType<ConcurrencyCap['acquire']>): Release {
  if (typeof slot !== 'function') throw new Error(`expected a slot now, got ${slot === null ? 'a refusal' : 'a wait'}`);
  return slot;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ConcurrencyCap', () => {
  it('holds a tenant to its cap and leaves another tenant untouched', () => {
    const c = cap();
    const a1 = now(c.acquire('a'));
    now(c.acquire('a'));
    expect(c.acquire('a')).toBeNull();
    // B is served whatever A holds.
    now(c.acquire('b'));
    now(c.acquire('b'));
    expect(c.holding('a')).toBe(2);
    a1();
    now(c.acquire('a'));
    expect(c.holding()).toBe(4);
  });

  it('counts a release once, however often it is called', () => {
    const c = cap({ perTenant: 1 });
    const r = now(c.acquire('a'));
    r();
    r();
    expect(c.holding('a')).toBe(0);
    now(c.acquire('a'));
    expect(c.acquire('a')).toBeNull();
  });

  it('queues up to its bound, first come first served, and refuses beyond it', async () => {
    const c = cap({ perTenant: 1, queuePerTenant: 2 });
    const first = now(c.acquire('a'));
    const order: number[] = [];
    const w1 = Promise.resolve(c.acquire('a')).then((r) => (order.push(1), r));
    const w2 = Promise.resolve(c.acquire('a')).then((r) => (order.push(2), r));
    expect(c.acquire('a')).toBeNull();
    first();
    const r1 = await w1;
    expect(r1).toBeTypeOf('function');
    expect(c.holding('a')).toBe(1);
    r1!();
    const r2 = await w2;
    expect(order).toEqual([1, 2]);
    r2!();
    expect(c.holding()).toBe(0);
  });

  it('refuses a waiter not served within maxWaitMs, and forgets it', async () => {
    vi.useFakeTimers();
    const c = cap({ perTenant: 1, queuePerTenant: 1, maxWaitMs: 500 });
    const held = now(c.acquire('a'));
    const waiting = c.acquire('a');
    await vi.advanceTimersByTimeAsync(500);
    expect(await waiting).toBeNull();
    // The timed-out waiter took no slot and left its place in the queue.
    held();
    expect(c.holding('a')).toBe(0);
    now(c.acquire('a'));
  });

  it('serves waiting tenants round-robin when the total binds', async () => {
    const c = cap({ perTenant: 4, queuePerTenant: 4, total: 1 });
    const first = now(c.acquire('a'));
    const served: string[] = [];
    const slots: Release[] = [];
    const wait = (name: string, tenant: string) =>
      Promise.resolve(c.acquire(tenant)).then((r) => {
        served.push(name);
        slots.push(r!);
      });
    // A queues two before B queues one: B must not wait behind all of A's.
    const waits = [wait('a2', 'a'), wait('a3', 'a'), wait('b1', 'b')];
    const settle = () => new Promise((r) => setTimeout(r, 0));
    first();
    await settle();
    expect(served).toEqual(['a2']);
    slots.shift()!();
    await settle();
    expect(served).toEqual(['a2', 'b1']);
    slots.shift()!();
    await Promise.all(waits);
    expect(served).toEqual(['a2', 'b1', 'a3']);
    expect(c.holding()).toBe(1);
  });
});
