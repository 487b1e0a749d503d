import { describe, expect, it } from 'vitest';
import { LAST_USED_WRITE_INTERVAL_MS, LastUsedRecorder } from './last-used.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function recorder(opts: { fail?: boolean; maxTracked?: number } = {}) {
  const writes: { id: string; at: string }[] = [];
  const r = new LastUsedRecorder(
    async (id, when) => {
      if (opts.fail) throw new Error('database is down');
      writes.push({ id, at: when.toISOString() });
    },
    { maxTracked: opts.maxTracked ?? 100 },
  );
  return { r, writes };
}

describe('lastUsedAt throttle', () => {
  it('writes a key once per window, then again after it', async () => {
    const { r, writes } = recorder();
    r.record('key_a', null, at(0));
    r.record('key_a', null, at(1_000));
    r.record('key_a', null, at(LAST_USED_WRITE_INTERVAL_MS - 1));
    r.record('key_a', null, at(LAST_USED_WRITE_INTERVAL_MS));
    await r.idle();
    expect(writes).toEqual([
      { id: 'key_a', at: at(0).toISOString() },
      { id: 'key_a', at: at(LAST_USED_WRITE_INTERVAL_MS).toISOString() },
    ]);
    expect(r.stats()).toEqual({ writes: 2, failures: 0, skipped: 2 });
  });

  it('throttles each key on its own', async () => {
    const { r, writes } = recorder();
    r.record('key_a', null, at(0));
    r.record('key_b', null, at(10));
    r.record('key_a', null, at(20));
    await r.idle();
    expect(writes.map((w) => w.id)).toEqual(['key_a', 'key_b']);
  });

  it('counts a recent stored time (another process, or before a restart) as written', async () => {
    const { r, writes } = recorder();
    r.record('key_a', at(-30_000), at(0));
    r.record('key_a', at(-LAST_USED_WRITE_INTERVAL_MS), at(0));
    await r.idle();
    expect(writes).toEqual([{ id: 'key_a', at: at(0).toISOString() }]);
  });

  it('never rejects on a failed write: counts it and waits out the window before trying again', async () => {
    const { r } = recorder({ fail: true });
    expect(() => r.record('key_a', null, at(0))).not.toThrow();
    r.record('key_a', null, at(5_000));
    await r.idle();
    expect(r.stats()).toEqual({ writes: 0, failures: 1, skipped: 1 });
    r.record('key_a', null, at(LAST_USED_WRITE_INTERVAL_MS));
    await r.idle();
    expect(r.stats().failures).toBe(2);
  });

  it('stays bounded with many keys and still throttles the recent ones', async () => {
    const { r, writes } = recorder({ maxTracked: 3 });
    for (const [i, id] of ['key_a', 'key_b', 'key_c', 'key_d'].entries()) r.record(id, null, at(i));
    // key_a was forgotten to make room, so it may be written again; key_d was not.
    r.record('key_d', null, at(10));
    r.record('key_a', null, at(10));
    await r.idle();
    expect(writes.map((w) => w.id)).toEqual(['key_a', 'key_b', 'key_c', 'key_d', 'key_a']);
  });
});
