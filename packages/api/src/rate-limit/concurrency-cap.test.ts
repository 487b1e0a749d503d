import { describe, expect, it } from 'vitest';
import { ConcurrencyCap, type Release } from './concurrency-cap.ts';

const cap = (o: { perTenant?: number } = {}) => new ConcurrencyCap(o.perTenant ?? 2);

/** A slot granted (not a refusal). */
function now(slot: ReturnType<ConcurrencyCap['acquire']>): Release {
  if (typeof slot !== 'function') throw new Error('expected a slot, got a refusal');
  return slot;
}

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
});
