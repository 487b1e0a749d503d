import fc from 'fast-check';
import { ACTOR_TYPES, CATALOGUE_ACTIONS } from '@audit/shared';

/** Keys MongoDB reads as operators, paths or stages, and keys that reach Object.prototype. */
export const OPERATOR_KEYS = [
  '$gt',
  '$gte',
  '$lt',
  '$ne',
  '$eq',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$regex',
  '$options',
  '$where',
  '$expr',
  '$function',
  '$accumulator',
  '$jsonSchema',
  '$or',
  '$and',
  '$nor',
  '$not',
  '$elemMatch',
  '$set',
  '$unset',
  '$inc',
  '$rename',
  '$lookup',
  '$merge',
  '$out',
] as const;
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const PATH_KEYS = ['a.b', '.', 'x.$gt', '$', '', '\u0000', 'a\u0000b', '\ud800', 'k'.repeat(129)];

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '$where',
  '$gt',
  '{"$gt":""}',
  'this.a == this.b',
  'sleep(5000)',
  '.*',
  '^(a+)+$',
  '\\',
  '"',
  "'",
  '../../../etc/passwd',
  '<img src=x onerror=alert(1)>',
  '\u202e',
  '\ufeff',
  'null',
  'NaN',
  '__proto__',
  'constructor',
  'aud_',
  'ws_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'Bearer x',
  '\r\n',
  '\ud83d\ude00',
];
/** Lengths just inside and just outside every text limit, and a few far beyond any. */
const LENGTHS = [1, 64, 65, 128, 129, 200, 201, 255, 256, 257, 320, 321, 512, 513, 2000, 2001, 16_384, 16_385, 300_000];

// Any UTF-16 code unit, so lone surrogates and NUL turn up inside otherwise ordinary strings.
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const overLongString = fc
  .tuple(fc.constantFrom(...LENGTHS), fc.constantFrom('x', 'é', '😀', '\u0000', '$', '\ud800'))
  .map(([n, c]) => c.repeat(n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: utf16Unit, maxLength: 24 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: overLongString },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.string(), fc.constantFrom(...LONE_SURROGATES), fc.string()).map((p) => p.join('')),
  },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...OPERATOR_KEYS, ...POLLUTION_KEYS, ...PATH_KEYS),
  fc.string({ unit: utf16Unit, maxLength: 12 }),
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-0, 2 ** 53 + 1, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-320),
);

export const operatorObject: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.dictionary(fc.constantFrom(...OPERATOR_KEYS), hostileScalar, { minKeys: 1, maxKeys: 3 }),
  fc.constantFrom<Record<string, unknown>>(
    { $where: 'sleep(1000) || true' },
    { $regex: '.*', $options: 'si' },
    { $ne: null },
    { $gt: '' },
    { $expr: { $eq: [1, 1] } },
    { $function: { body: 'function(){return true}', args: [], lang: 'js' } },
  ),
);

/** Random JSON whose keys and leaves are all hostile. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, hostileScalar, operatorObject, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
})).value;

/**
 * Nesting far past the metadata depth limit, as arrays or objects. Values sent as JSON stay
 * shallow enough for JSON.stringify's recursion; deeper JSON text is sent as a fixed case.
 */
export function deepNest(maxDepth: number) {
  return fc.tuple(fc.integer({ min: 9, max: maxDepth }), fc.boolean()).map(([depth, asArray]) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = asArray ? [v] : { d: v };
    return v;
  });
}

// Built once: nothing the API does may change them, and building them per run would dominate.
const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
export const hugeValue = fc.constantFrom<unknown>(
  Array(1_001).fill(0),
  Array(50_000).fill('x'),
  wide(101),
  wide(5_000),
);

/** What JavaScript callers can pass but JSON cannot carry: BigInt, Map, Date, typed arrays, holes. */
const notJson = fc.anything({
  key: hostileKey,
  maxDepth: 3,
  maxKeys: 5,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
});

export function hostileValue(opts: { jsonOnly: boolean }): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: hostileJson },
    { weight: 2, arbitrary: operatorObject },
    { weight: 1, arbitrary: overLongString },
    { weight: 1, arbitrary: deepNest(opts.jsonOnly ? 1_000 : 5_000) },
    { weight: 1, arbitrary: hugeValue },
    { weight: opts.jsonOnly ? 0 : 2, arbitrary: notJson },
  );
}

const legalText = (max: number, min = 0) =>
  fc.oneof(
    {
      weight: 9,
      arbitrary: fc
        .string({ unit: utf16Unit, minLength: min, maxLength: Math.min(max, 40) })
        .map((s) => s.toWellFormed()),
    },
    { weight: 1, arbitrary: fc.constant('ë'.repeat(max)) },
  );

/** Keys that are legal but look dangerous to code that trusts them (`toString`, `_id`, `a$`). */
const legalKey = fc.oneof(
  fc
    .string({ unit: utf16Unit, minLength: 1, maxLength: 16 })
    .map((s) => s.toWellFormed())
    .filter(
      (k) =>
        !k.startsWith('$') &&
        !k.includes('.') &&
        !k.includes('\u0000') &&
        !(POLLUTION_KEYS as readonly string[]).includes(k),
    ),
  fc.constantFrom(
    'a$',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    '_id',
    'workspaceId',
    'seq',
    'idem',
    'tokens',
    'where',
    'k'.repeat(128),
  ),
);

const legalJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    legalText(60),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(legalKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const email = fc.oneof(fc.emailAddress(), fc.stringMatching(/^[a-z]{1,10}@example\.com$/));
const NOW = Date.now();

/** An event the API should accept, with odd but legal content in every free-text field. */
export const legalEvent = fc
  .record(
    {
      kind: fc.constantFrom(...CATALOGUE_ACTIONS),
      actor: fc.record(
        { type: fc.constantFrom(...ACTOR_TYPES), id: legalText(256, 1), name: legalText(256), email },
        { requiredKeys: ['type', 'id'] },
      ),
      target: fc.record(
        { type: legalText(64, 1), id: legalText(256, 1), name: legalText(256) },
        { requiredKeys: ['type', 'id'] },
      ),
      description: fc.oneof(legalText(2000), fc.constant(null)),
      metadata: fc.dictionary(legalKey, legalJson, { maxKeys: 8 }),
      occurredAt: fc
        .date({ min: new Date('2000-01-02T00:00:00Z'), max: new Date(NOW - 60_000), noInvalidDate: true })
        .map((d) => d.toISOString()),
      context: fc.record(
        { ip: fc.oneof(fc.ipV4(), fc.ipV6()), userAgent: legalText(512), requestId: legalText(128) },
        { requiredKeys: [] },
      ),
      idempotencyKey: legalText(255, 1),
    },
    { requiredKeys: ['kind', 'actor'] },
  )
  .map(({ kind, ...rest }) => {
    const [category, action] = kind.split('.') as [string, string];
    return { category, action, ...rest } as Record<string, unknown>;
  });
