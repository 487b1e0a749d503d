import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object keys sorted by UTF-16
 * code units, no whitespace, numbers in ECMAScript shortest form, strings escaped as
 * JSON.stringify does. Throws when the value has no JSON representation (undefined, a function),
 * or holds NaN, Infinity or a lone surrogate.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('canonicalJson: the value has no JSON representation');
  return text;
}
