import { describe, expect, it } from 'vitest';
import { checkOccurredAt, RecordEventInputSchema } from './event-schema.ts';
import { checkMetadata } from './metadata.ts';

const ok = { category: 'lock', action: 'created', actor: { type: 'user', id: 'u1' } };

function messages(input: unknown): string[] {
  const r = RecordEventInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('RecordEventInputSchema', () => {
  it('accepts a minimal event and a full one', () => {
    expect(messages(ok)).toEqual([]);
    expect(
      messages({
        ...ok,
        actor: { type: 'github_app', id: 'app_1', name: 'Bot', email: 'bot@example.com' },
        target: { type: 'stack', id: 's1', name: 'prod' },
        description: null,
        metadata: { a: [1, { b: null }] },
        occurredAt: '2026-11-30T05:00:00+01:00',
        context: { ip: '2001:db8::1', userAgent: 'ua', requestId: 'r1' },
        idempotencyKey: 'k',
      }),
    ).toEqual([]);
  });

  it('names the field and the limit', () => {
    expect(messages({ ...ok, action: 'merged' })).toEqual([
      'action: "merged" is not an action of category "lock" (known: created, deleted)',
    ]);
    expect(messages({ ...ok, actor: { type: 'user', id: '' } })).toEqual(['actor.id: must not be empty']);
    expect(messages({ ...ok, context: { ip: '999.1.1.1' } })).toEqual(['context.ip: must be an IPv4 or IPv6 address']);
    expect(messages({ ...ok, extra: 1 })[0]).toMatch(/extra/);
    expect(messages({ ...ok, idempotencyKey: 'auto:aud_01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toEqual([
      'idempotencyKey: must not start with "auto:" (reserved)',
    ]);
  });
});

describe('checkMetadata', () => {
  it('reports each breach with its path', () => {
    expect(checkMetadata({ a: { $in: 1 }, 'b.c': 2, ok: 'fine' })).toEqual([
      { path: ['metadata', 'a', '$in'], message: 'keys must not start with "$"' },
      { path: ['metadata', 'b.c'], message: 'keys must not contain "."' },
    ]);
    expect(checkMetadata({ n: Number.NaN })).toEqual([{ path: ['metadata', 'n'], message: 'must be a finite number' }]);
    expect(checkMetadata(JSON.parse('{"__proto__": {"polluted": true}}'))).toEqual([
      { path: ['metadata', '__proto__'], message: 'key "__proto__" is reserved' },
    ]);
  });

  it('measures size in UTF-8 bytes', () => {
    const atLimit = { s: 'é'.repeat(8188) };
    expect(new TextEncoder().encode(JSON.stringify(atLimit)).length).toBe(16384);
    expect(checkMetadata(atLimit)).toEqual([]);
    expect(checkMetadata({ s: 'é'.repeat(8189) })[0]?.message).toBe(
      'must be at most 16384 bytes serialized (got 16386)',
    );
  });
});

describe('checkOccurredAt', () => {
  const now = new Date('2026-11-30T05:00:00Z');
  it('allows the past and up to five minutes ahead', () => {
    expect(checkOccurredAt(new Date('2020-01-01T00:00:00Z'), now)).toBeNull();
    expect(checkOccurredAt(new Date(now.getTime() + 5 * 60_000), now)).toBeNull();
    expect(checkOccurredAt(new Date(now.getTime() + 5 * 60_000 + 1), now)).toBe(
      'must not be more than 5 minutes in the future',
    );
    expect(checkOccurredAt(new Date('1999-12-31T23:59:59Z'), now)).toBe('must not be before the year 2000');
  });
});
