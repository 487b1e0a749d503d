import { describe, expect, it } from 'vitest';
import { FixedWindowLimiter, type SlotStore } from './fixed-window.ts';

/** The database's one guarantee the limiter relies on: an id is taken once. Counts every call. */
function memoryStore(delayMs = 0) {
  const ids = new Map<string, Date>();
  const calls = { claim: 0, exists: 0 };
  const pause = () => new Promise((r) => setTimeout(r, delayMs * Math.random()));
  const store: SlotStore = {
    async claim(id, expiresAt) {
      calls.claim++;
      await pause();
      if (ids.has(id)) return false;
      ids.set(id, expiresAt);
      return true;
    },
    async exists(id) {
      calls.exists++;
      await pause();
      return ids.has(id);
    },
    async sweep(before) {
      let n = 0;
      for (const [id, at] of ids) if (at < before && ids.delete(id)) n++;
      return n;
    },
  };
  return { store, ids, calls };
}

const limit = { points: 10, windowMs: 1000 };
const T0 = 1_700_000_000_000;

describe('FixedWindowLimiter', () => {
  it('admits exactly the limit per window, across "processes" sharing a store, under concurrency', async () => {
    const { store } = memoryStore(3);
    const processes = [new FixedWindowLimiter(store), new FixedWindowLimiter(store), new FixedWindowLimiter(store)];
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => processes[i % 3]!.take('k', limit, T0 + 100)),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(10);
    expect(decisions.filter((d) => !d.ok).every((d) => !d.ok && d.retryAfterMs === 900)).toBe(true);
  });

  it('starts over in the next window', async () => {
    const { store } = memoryStore();
    const limiter = new FixedWindowLimiter(store);
    for (let i = 0; i < 10; i++) expect((await limiter.take('k', limit, T0)).ok).toBe(true);
    expect((await limiter.take('k', limit, T0 + 999)).ok).toBe(false);
    expect((await limiter.take('k', limit, T0 + 1000)).ok).toBe(true);
  });

  it('keeps buckets apart', async () => {
    const { store } = memoryStore();
    const limiter = new FixedWindowLimiter(store);
    for (let i = 0; i < 10; i++) await limiter.take('a', limit, T0);
    expect((await limiter.take('a', limit, T0)).ok).toBe(false);
    expect((await limiter.take('b', limit, T0)).ok).toBe(true);
  });

  it('refuses without asking the database once it knows the window is full', async () => {
    const { store, calls } = memoryStore();
    const limiter = new FixedWindowLimiter(store);
    for (let i = 0; i < 11; i++) await limiter.take('k', limit, T0);
    const before = { ...calls };
    for (let i = 0; i < 100; i++) expect((await limiter.take('k', limit, T0)).ok).toBe(false);
    expect(calls).toEqual(before);
  });

  it('learns from the mark that another process filled the window, in one read', async () => {
    const { store, calls } = memoryStore();
    const first = new FixedWindowLimiter(store);
    for (let i = 0; i < 11; i++) await first.take('k', limit, T0);
    const before = { ...calls };
    expect((await new FixedWindowLimiter(store).take('k', limit, T0)).ok).toBe(false);
    expect({ claim: calls.claim - before.claim, exists: calls.exists - before.exists }).toEqual({
      claim: 1,
      exists: 1,
    });
  });

  it('forgets what it believed of a window when the store fails, so an outage does not fill it', async () => {
    const { store } = memoryStore();
    let failing = true;
    const flaky: SlotStore = {
      ...store,
      claim: (id, at) => (failing ? Promise.reject(new Error('down')) : store.claim(id, at)),
    };
    const limiter = new FixedWindowLimiter(flaky);
    for (let i = 0; i < 20; i++) await expect(limiter.take('k', limit, T0)).rejects.toThrow('down');
    failing = false;
    expect((await limiter.take('k', limit, T0)).ok).toBe(true);
  });

  it('sweeps ended windows now and then, not on every call', async () => {
    const { store, ids } = memoryStore();
    const limiter = new FixedWindowLimiter(store);
    await limiter.take('k', limit, T0);
    await limiter.take('k', limit, T0 + 30_000);
    expect(ids.size).toBe(2);
    await limiter.take('k', limit, T0 + 61_000);
    await new Promise((r) => setTimeout(r, 0));
    expect([...ids.keys()]).toEqual([`k:${Math.floor((T0 + 61_000) / 1000)}:0`]);
  });

  it('tells the refusal that found the window full from the repeats answered from memory', async () => {
    const { store, calls } = memoryStore();
    const limiter = new FixedWindowLimiter(store);
    for (let i = 0; i < 10; i++) await limiter.take('k', limit, T0 + 100);
    expect(await limiter.take('k', limit, T0 + 200)).toEqual({ ok: false, retryAfterMs: 800, repeat: false });
    const claims = calls.claim;
    expect(await limiter.take('k', limit, T0 + 300)).toEqual({ ok: false, retryAfterMs: 700, repeat: true });
    expect(calls.claim).toBe(claims);
    // Another process learns it from the mark: its first refusal is not a repeat, its next one is.
    const other = new FixedWindowLimiter(store);
    expect(await other.take('k', limit, T0 + 400)).toMatchObject({ ok: false, repeat: false });
    expect(await other.take('k', limit, T0 + 400)).toMatchObject({ ok: false, repeat: true });
    // The next window starts afresh.
    expect(await limiter.take('k', limit, T0 + 1_000)).toEqual({ ok: true });
  });
});
