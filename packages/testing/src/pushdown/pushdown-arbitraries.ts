import fc from 'fast-check';
import { ObjectId } from 'mongodb';

/**
 * Documents and queries for the differential test of the embedded store's index pushdown. Values
 * cover what makes key order and type brackets subtle: strings a prefix of each other, with
 * spaces, quotes, escapes and non-ASCII; ints, longs past 2^53 and doubles; dates either side of
 * 1970; booleans, null, ObjectIds; arrays (empty, nested, mixed) and embedded documents; missing.
 */
const strings = fc.constantFrom('', 'a', 'ab', 'ab!', 'a b', 'abc', 'b', 'é', 'a"b', '<x>', 'a\\b', 'Z', 'a\u0001');
const numbers = fc.oneof(
  fc.constantFrom(0, -0, 1, 1.5, -2, 2 ** 53, 2 ** 53 + 2, 1e300),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(BigInt(2 ** 53) + 1n, 9007199254740993n, -9007199254740993n).map((b) => BigInt.asIntN(64, b)),
);
const dates = fc
  .constantFrom(-86_400_000, 0, 1_000, 1_764_480_000_000, 1_764_480_000_001, 4_102_444_800_000)
  .map((t) => new Date(t));
const oids = fc
  .constantFrom('000000000000000000000001', '65f000000000000000000000', 'ffffffffffffffffffffffff')
  .map((h) => new ObjectId(h));

export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: strings },
  { weight: 3, arbitrary: numbers },
  { weight: 2, arbitrary: dates },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: oids },
);

const embedded = fc.record({ x: scalar });
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(fc.oneof(scalar, embedded), { maxLength: 3 }) },
  { weight: 1, arbitrary: embedded },
);
const notArray: fc.Arbitrary<unknown> = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: embedded });

/** Fields the indexes use; `t` is the multikey one, as `tokens` is for events. */
export const FIELDS = ['ws', 'a', 'b', 't', 'd'] as const;
export const INDEXES = [
  { key: { ws: 1, d: -1, _id: -1 }, name: 'ws_d' },
  { key: { ws: 1, t: 1, d: -1, _id: -1 }, name: 'ws_t_d' },
  { key: { a: 1, b: -1 }, name: 'a_b' },
  { key: { b: 1 }, name: 'b' },
] as const;

export interface Doc {
  _id: string;
  [field: string]: unknown;
}

/**
 * At most one array field per index, as MongoDB requires (it refuses "parallel arrays", and so
 * does the embedded store): `a` and `t` may hold arrays, the fields they share an index with not.
 * FerretDB stores no arrays inside arrays.
 */
export const fieldValues = {
  ws: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('w1', 'w2', 'w3') }, { weight: 1, arbitrary: notArray }),
  a: value,
  b: notArray,
  t: fc.oneof({ weight: 5, arbitrary: fc.array(strings, { maxLength: 4 }) }, { weight: 1, arbitrary: value }),
  d: fc.oneof({ weight: 5, arbitrary: dates }, { weight: 1, arbitrary: notArray }),
};

/**
 * Half the collections hold only the types the service stores (tenant strings, dates, string
 * arrays), so the index walks in sort order get tested; the other half mix every type in, where
 * a document or array in a sort field makes the store sort in memory instead.
 */
const tidy = {
  ws: fc.constantFrom('w1', 'w2', 'w3'),
  a: fc.oneof(strings, numbers),
  b: fc.oneof(strings, dates),
  t: fc.array(strings, { maxLength: 4 }),
  d: dates,
};

/** A document: each field present or missing; `_id`s unique (their order is part of the test). */
export const docs: fc.Arbitrary<Doc[]> = fc
  .oneof(fc.constant(tidy), fc.constant(fieldValues))
  .chain((fields) => fc.array(fc.record(fields, { requiredKeys: [] }), { minLength: 1, maxLength: 40 }))
  .chain((list) =>
    fc
      .uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', 'A', ' ', '!', '~', 'é', '0'), maxLength: 4 }), {
        minLength: list.length,
        maxLength: list.length,
      })
      .map((ids) => list.map((d, i) => ({ ...d, _id: ids[i]! }))),
  );

const field = fc.constantFrom(...FIELDS, '_id');
const prefix = fc.constantFrom('', 'a', 'ab', 'é', 'a"', '<');
const escape = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** One condition on one field: what the pushdown reads, and some that it must leave alone. */
const condition: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ f: field, v: scalar }).map(({ f, v }) => ({ [f]: v })) },
  { weight: 1, arbitrary: fc.record({ f: field, v: scalar }).map(({ f, v }) => ({ [f]: { $eq: v } })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ f: field, v: fc.array(scalar, { minLength: 1, maxLength: 3 }) })
      .map(({ f, v }) => ({ [f]: { $in: v } })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        f: field,
        op: fc.constantFrom('$lt', '$lte', '$gt', '$gte'),
        v: scalar,
        op2: fc.option(fc.constantFrom('$lt', '$lte', '$gt', '$gte')),
        v2: scalar,
      })
      .map(({ f, op, v, op2, v2 }) => ({ [f]: { [op]: v, ...(op2 ? { [op2]: v2 } : {}) } })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ f: field, p: prefix }).map(({ f, p }) => ({ [f]: { $regex: `^${escape(p)}` } })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ f: field, p: prefix }).map(({ f, p }) => ({ [f]: new RegExp(`^${escape(p)}`) })),
  },
  { weight: 1, arbitrary: fc.record({ f: field, v: scalar }).map(({ f, v }) => ({ [f]: { $ne: v } })) },
  { weight: 1, arbitrary: fc.record({ f: field, e: fc.boolean() }).map(({ f, e }) => ({ [f]: { $exists: e } })) },
  { weight: 1, arbitrary: fc.record({ f: field, v: scalar }).map(({ f, v }) => ({ $nor: [{ [f]: v }] })) },
  { weight: 1, arbitrary: fc.record({ v: scalar }).map(({ v }) => ({ 'a.x': v })) },
);

/** The page-after-a-cursor condition the event list sends, at a stored position or any. */
const keyset = fc
  .record({ d: scalar, id: fc.string({ maxLength: 3 }), op: fc.constantFrom('$lt', '$gt') })
  .map(({ d, id, op }) => ({ $or: [{ d: { [op]: d } }, { d, _id: { [op]: id } }] }));

/** Most queries name the tenant, as every query of the service does. */
const tenant = fc.option(
  fc.constantFrom<Record<string, unknown>>({ ws: 'w1' }, { ws: 'w2' }, { ws: { $in: ['w1', 'w3'] } }),
  { freq: 3 },
);

export const filters: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    tenant,
    // Often none: conditions on random values mostly match nothing, and an empty answer tests
    // little of the order.
    top: fc.oneof(fc.constant([]), fc.array(condition, { maxLength: 3 })),
    and: fc.oneof(fc.constant([]), fc.array(fc.oneof(condition, keyset), { maxLength: 2 })),
  })
  .map(({ tenant, top, and }) => Object.assign({}, tenant ?? {}, ...top, and.length > 0 ? { $and: and } : {}));

/** Sorts end with `_id`, so the order is total and two correct answers are equal. */
export const sorts = fc.constantFrom<Record<string, 1 | -1> | null>(
  null,
  { d: -1, _id: -1 },
  { d: 1, _id: 1 },
  { ws: 1, d: -1, _id: -1 },
  { a: 1, _id: 1 },
  { b: -1, _id: 1 },
  { t: 1, _id: 1 },
  { _id: 1 },
  { _id: -1 },
);
