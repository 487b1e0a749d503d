import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
let t: Tenant;
beforeAll(async () => {
  env = await openTestEnv();
  t = await env.tenant('enterprise');
});
afterAll(async () => {
  await env?.close();
});

const base = { category: 'lock', action: 'created', actor: { type: 'user', id: 'u1' } };

function nest(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) v = { d: v };
  return v;
}

const cases: [string, Record<string, unknown>, RegExp][] = [
  [
    'metadata over 16 KiB',
    { metadata: { blob: 'x'.repeat(17_000) } },
    /metadata: must be at most 16384 bytes serialized/,
  ],
  ['metadata deeper than 8', { metadata: nest(9) }, /metadata(\.d)+: nesting must be at most 8 levels deep/],
  [
    'more than 100 keys',
    { metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) },
    /metadata: objects must have at most 100 keys \(got 101\)/,
  ],
  ['a $ key', { metadata: { $where: 'sleep(1000)' } }, /metadata\.\$where: keys must not start with "\$"/],
  ['a dotted key', { metadata: { 'a.b': 1 } }, /metadata\.a\.b: keys must not contain "\."/],
  ['a NUL in a key', { metadata: { 'a\u0000b': 1 } }, /keys must not contain NUL/],
  ['a nested $ key', { metadata: { outer: { $gt: 1 } } }, /metadata\.outer\.\$gt: keys must not start with "\$"/],
  ['a lone surrogate', { description: 'bad \ud800 text' }, /description: must be well-formed UTF-16/],
  [
    'an over-long actor id',
    { actor: { type: 'user', id: 'u'.repeat(257) } },
    /actor\.id: must be at most 256 characters/,
  ],
  ['an unknown actor type', { actor: { type: 'robot', id: 'r' } }, /actor\.type/],
  ['an unknown category', { category: 'nope' }, /category/],
  ['an action outside the catalogue', { action: 'shredded' }, /action: "shredded" is not an action of category "lock"/],
  [
    'an occurredAt in the future',
    { occurredAt: new Date(Date.now() + 6 * 60_000).toISOString() },
    /occurredAt: must not be more than 5 minutes in the future/,
  ],
  ['a malformed occurredAt', { occurredAt: 'yesterday' }, /occurredAt: must be an ISO 8601 instant/],
  ['an unknown field', { metdata: {} }, /metdata/],
  ['an operator as a field value', { actor: { type: 'user', id: { $ne: null } } }, /actor\.id/],
  [
    'a bad email',
    { actor: { type: 'user', id: 'u', email: 'not-an-email' } },
    /actor\.email: must be an email address/,
  ],
  [
    'an over-long idempotency key',
    { idempotencyKey: 'k'.repeat(256) },
    /idempotencyKey: must be at most 255 characters/,
  ],
];

describe('limits', () => {
  it.each(cases)('refuses %s with the field named, storing nothing', async (_name, patch, message) => {
    const before = await env.deps.store.events.col.countDocuments({ workspaceId: t.workspaceId });
    await expect(t.caller.events.record({ ...base, ...patch } as never)).rejects.toThrow(message);
    expect(await env.deps.store.events.col.countDocuments({ workspaceId: t.workspaceId })).toBe(before);
  });

  it('accepts values right at the limits', async () => {
    const metadata = { ...nest(8), wide: Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`k${i}`, i])) };
    const ev = await t.caller.events.record({
      ...base,
      metadata,
      description: 'd'.repeat(2000),
      occurredAt: new Date(Date.now() + 4 * 60_000).toISOString(),
    } as never);
    expect(ev.metadata).toEqual(metadata);
  });
});
