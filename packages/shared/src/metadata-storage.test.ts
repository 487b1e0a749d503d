import { describe, expect, it } from 'vitest';
import { RecordEventInputSchema } from './event-schema.ts';

const ok = { category: 'lock', action: 'created', actor: { type: 'user', id: 'u1' } };

function messages(input: unknown): string[] {
  const r = RecordEventInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('metadata that could not be stored as sent', () => {
  it('refuses an array directly inside an array, which FerretDB cannot store', () => {
    expect(messages({ ...ok, metadata: { a: [1, [2]] } })).toEqual([
      'metadata.a.1: arrays must not directly contain arrays (wrap the inner array in an object)',
    ]);
    expect(messages({ ...ok, metadata: { a: [1, { b: [2] }] } })).toEqual([]);
  });

  it('refuses a __proto__ key arriving from JSON rather than silently dropping it', () => {
    expect(messages({ ...ok, metadata: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') })).toEqual([
      'metadata.__proto__: key "__proto__" is reserved',
    ]);
    expect(messages({ ...ok, metadata: JSON.parse('{"x": {"__proto__": null}}') })).toEqual([
      'metadata.x.__proto__: key "__proto__" is reserved',
    ]);
  });

  it('refuses what is not an object', () => {
    for (const metadata of ['x', 1, [], null])
      expect(messages({ ...ok, metadata })).toEqual(['metadata: must be a JSON object']);
  });

  it('passes accepted metadata through unchanged', () => {
    const metadata = { a: [1, { b: null }], toString: 'x' };
    const r = RecordEventInputSchema.parse({ ...ok, metadata });
    expect(r.metadata).toEqual(metadata);
  });
});
