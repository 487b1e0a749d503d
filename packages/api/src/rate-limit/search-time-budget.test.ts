import { describe, expect, it } from 'vitest';
import { SearchTimeBudget } from './search-time-budget.ts';

/** A budget on a clock the test moves by hand: no timers. */
function budget(msPerSecond = 200, maxRetrySeconds = 10) {
  let t = 1_000_000;
  const b = new SearchTimeBudget({ msPerSecond, maxRetrySeconds, now: () => t });
  return { b, advance: (ms: number) => void (t += ms) };
}

describe('SearchTimeBudget', () => {
  it('admits a rested tenant, and keeps admitting while its spending is within one second of budget', () => {
    const { b } = budget();
    expect(b.check('a')).toEqual({ ok: true });
    b.charge('a', 150);
    expect(b.check('a')).toEqual({ ok: true });
    b.charge('a', 50);
    // Exactly at the budget: not over it.
    expect(b.check('a')).toEqual({ ok: true });
  });

  it('refuses a tenant over its budget until enough has refilled, and says how long that is', () => {
    const { b, advance } = budget();
    b.charge('a', 300); // 100 ms over a 200 ms/s budget: half a second of refill
    const refused = b.check('a');
    expect(refused).toEqual({ ok: false, retryAfterMs: 500 });
    advance(499);
    expect(b.check('a').ok).toBe(false);
    advance(1);
    expect(b.check('a')).toEqual({ ok: true });
  });

  it('refills continuously, so no window edge lets a tenant spend twice its budget at once', () => {
    const { b, advance } = budget();
    b.charge('a', 200);
    advance(1); // just past where a fixed window would have started afresh
    b.charge('a', 200);
    // A fixed window would now admit; the bucket still holds ~399.8 ms spent against 200.
    const d = b.check('a');
    expect(d.ok).toBe(false);
    expect(d.ok ? 0 : d.retryAfterMs).toBeCloseTo(999, 0);
  });

  it('charges each tenant alone: one over its budget leaves another admitted', () => {
    const { b } = budget();
    b.charge('a', 5_000);
    expect(b.check('a').ok).toBe(false);
    expect(b.check('b')).toEqual({ ok: true });
    b.charge('b', 100);
    expect(b.check('b')).toEqual({ ok: true });
    expect(b.spent('b')).toBe(100);
  });

  it('tells a cheap search from an expensive one: many short reads pass where a few long ones are refused', () => {
    const { b, advance } = budget();
    // 50 searches of 2 ms each within a second: 100 ms, within 200 ms/s.
    for (let i = 0; i < 50; i++) {
      expect(b.check('cheap').ok).toBe(true);
      b.charge('cheap', 2);
      advance(20);
    }
    // Scans of 300 ms: the first is admitted (the bucket is full), the second is not.
    expect(b.check('scan').ok).toBe(true);
    b.charge('scan', 300);
    expect(b.check('scan').ok).toBe(false);
  });

  it('keeps the debt to maxRetrySeconds of refill, so one long read refuses its tenant for at most that long', () => {
    const { b, advance } = budget(200, 10);
    b.charge('a', 60_000); // a one-minute export
    const d = b.check('a');
    expect(d).toEqual({ ok: false, retryAfterMs: 10_000 });
    advance(10_000);
    expect(b.check('a')).toEqual({ ok: true });
  });

  it('ignores a zero or negative charge, never goes below nothing spent, and forgets rested tenants', () => {
    const { b, advance } = budget();
    b.charge('a', 0);
    b.charge('a', -5);
    expect(b.size).toBe(0);
    b.charge('a', 100);
    advance(60_000);
    expect(b.spent('a')).toBe(0);
    b.check('other'); // a check past a second since the last sweep drops rested accounts
    expect(b.size).toBe(0);
    b.charge('a', 100);
    expect(b.spent('a')).toBe(100);
  });

  it('tolerates a clock that does not move between calls (many reads ending in one tick)', () => {
    const { b } = budget(100);
    b.charge('a', 60);
    b.charge('a', 60);
    expect(b.check('a')).toEqual({ ok: false, retryAfterMs: 200 });
  });

  it('charges a read in flight as it runs, so a long read is seen before it ends', () => {
    const { b, advance } = budget(200);
    const end = b.begin('a');
    advance(100); // 100 ms run, 20 ms refilled: 80 spent
    expect(b.spent('a')).toBeCloseTo(80, 6);
    expect(b.check('a').ok).toBe(true);
    advance(400); // 500 ms run, 100 ms refilled: 400 spent, 200 over
    expect(b.check('a')).toEqual({ ok: false, retryAfterMs: 1000 });
    end();
    end(); // idempotent
    advance(1000);
    expect(b.check('a')).toEqual({ ok: true });
    expect(b.spent('a')).toBeCloseTo(200, 6);
  });

  it('counts the refill during a long read, so one read running at a time fits a budget of 1000 ms/s', () => {
    const { b, advance } = budget(1000);
    for (let i = 0; i < 20; i++) {
      expect(b.check('viewer')).toEqual({ ok: true });
      const end = b.begin('viewer');
      advance(2_700); // a FerretDB scan of 10,000 events
      end();
      advance(500);
    }
    expect(b.spent('viewer')).toBe(0);
    // Two at once spend twice as fast as the refill: refused once over the budget.
    const ends = [b.begin('script'), b.begin('script')];
    advance(1_001);
    expect(b.check('script').ok).toBe(false);
    ends.forEach((e) => e());
  });

  it('never forgets a tenant with a read in flight', () => {
    const { b, advance } = budget(200);
    const end = b.begin('a');
    advance(5_000);
    b.check('other'); // sweeps
    expect(b.spent('a')).toBeGreaterThan(200);
    end();
    expect(b.check('a').ok).toBe(false);
  });
});
