import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, recursively, without whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, '\u20ac': 1, '\r': 2 })).toBe(
      '{"\\r":2,"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1,"€":1}',
    );
  });

  it('writes numbers in the ECMAScript shortest form', () => {
    expect(canonicalJson([1.0, -0, 1e21, 1e-7, 0.1 + 0.2, 100])).toBe('[1,0,1e+21,1e-7,0.30000000000000004,100]');
  });

  it('leaves non-ASCII unescaped and escapes controls', () => {
    expect(canonicalJson({ s: 'Zoë\u0007"' })).toBe('{"s":"Zoë\\u0007\\""}');
  });

  it('drops undefined members and refuses values without a JSON form', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson(undefined)).toThrow(/no JSON representation/);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson({ s: '\ud800' })).toThrow();
  });
});
