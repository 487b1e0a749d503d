import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { BSON, type Collection, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, type Mongo } from '../mongo.ts';
import { docs, fieldValues, filters, INDEXES, sorts, type Doc } from '@audit/testing/pushdown';

/**
 * The embedded store answers queries from index entries (the tools build's FerretDB changes,
 * packages/local-servers/ferretdb). Whatever the documents and the filter, the answer must be
 * exactly the one FerretDB gives by reading every document itself, which `hint: {$natural: 1}`
 * asks for: the same documents, in the same order when sorted. Writes are checked the same way,
 * against a collection with no indexes at all.
 */
const RUNS = Number(process.env.PUSHDOWN_RUNS ?? 60);

type Outcome = { ids: string[] } | { error: true };

async function answer(
  col: Collection<Doc>,
  filter: Document,
  sort: Record<string, 1 | -1> | null,
  limit: number,
  natural: boolean,
): Promise<Outcome> {
  try {
    let cursor = col.find(filter);
    if (sort) cursor = cursor.sort(sort);
    if (sort && limit > 0) cursor = cursor.limit(limit);
    if (natural) cursor = cursor.hint({ $natural: 1 });
    const ids = (await cursor.toArray()).map((d) => d._id);
    return { ids: sort ? ids : ids.sort() };
  } catch {
    return { error: true };
  }
}

describe('index pushdown on the embedded store, against FerretDB reading every document', () => {
  let mongo: Mongo;
  let n = 0;
  beforeAll(async () => {
    // PUSHDOWN_DIFF_URI points the test at another server (a FerretDB build under change).
    const uri = process.env.PUSHDOWN_DIFF_URI ?? ((inject as (k: string) => unknown)('mongodbUri') as string);
    mongo = await connectMongo(uri, `t_diff_${randomBytes(4).toString('hex')}`);
  });
  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  async function seeded(list: Doc[], indexed = true): Promise<Collection<Doc>> {
    const col = mongo.db.collection<Doc>(`c${n++}`);
    if (indexed) for (const ix of INDEXES) await col.createIndex(ix.key, { name: ix.name });
    await col.insertMany(list);
    return col;
  }

  it('finds the same documents in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(
        docs,
        fc.array(fc.tuple(filters, sorts, fc.nat(6)), { minLength: 1, maxLength: 8 }),
        async (list, queries) => {
          const col = await seeded(list);
          for (const [filter, sort, limit] of queries) {
            const pushed = await answer(col, filter, sort, limit, false);
            const read = await answer(col, filter, sort, limit, true);
            expect(pushed, BSON.EJSON.stringify({ filter, sort, limit })).toEqual(read);
          }
          await col.drop();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('intersects two ranges on one field exactly, at every pair of bounds', async () => {
    // A time range's two bounds on an index walk (`from` and `to`): each pair of operators, at
    // values stored and between them, with a bound exactly on a stored value.
    const at = (day: number) => new Date(Date.UTC(2030, 0, day));
    const list: Doc[] = Array.from({ length: 12 }, (_, i) => ({
      _id: `e${String(i).padStart(2, '0')}`,
      ws: 'w1',
      d: at(i + 1),
      b: i,
    }));
    const col = await seeded([...list, { _id: 'x', ws: 'w1', d: 'text', b: 'text' }]);
    const ops = ['$lt', '$lte', '$gt', '$gte'] as const;
    for (const field of ['d', 'b'] as const) {
      const value = (i: number) => (field === 'd' ? at(i) : i - 1);
      for (const op1 of ops) {
        for (const op2 of ops) {
          for (const [v1, v2] of [
            [3, 9],
            [9, 3],
            [5, 5],
            [0, 13],
          ] as const) {
            const filter = { ws: 'w1', $and: [{ [field]: { [op1]: value(v1) } }, { [field]: { [op2]: value(v2) } }] };
            const sort: Record<string, 1 | -1> = field === 'd' ? { d: -1, _id: -1 } : { b: 1, _id: 1 };
            const pushed = await answer(col, filter, sort, 0, false);
            expect(pushed, BSON.EJSON.stringify(filter)).toEqual(await answer(col, filter, sort, 0, true));
          }
        }
      }
    }
  });

  it('keeps its entries right through updates and deletes', async () => {
    const change = fc.oneof(
      fc.record({
        kind: fc.constant('update' as const),
        filter: filters,
        set: fc.record(fieldValues, { requiredKeys: [] }),
      }),
      fc.record({ kind: fc.constant('delete' as const), filter: filters }),
      fc.record({ kind: fc.constant('insert' as const), more: docs }),
    );
    await fc.assert(
      fc.asyncProperty(
        docs,
        fc.array(change, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(filters, sorts), { maxLength: 4 }),
        async (list, changes, queries) => {
          const [indexed, plain] = [await seeded(list), await seeded(list, false)];
          for (const c of changes) {
            const batch = n++;
            const fresh = c.kind === 'insert' ? c.more.map((d) => ({ ...d, _id: `${batch}:${d._id}` })) : [];
            const apply = async (col: Collection<Doc>) => {
              try {
                if (c.kind === 'update')
                  return (await col.updateMany(c.filter, { $set: { ...c.set, u: n } })).modifiedCount;
                if (c.kind === 'delete') return (await col.deleteMany(c.filter)).deletedCount;
                return (await col.insertMany(fresh.map((d) => ({ ...d })))).insertedCount;
              } catch {
                return 'error';
              }
            };
            expect(await apply(indexed), BSON.EJSON.stringify(c)).toEqual(await apply(plain));
          }
          for (const [filter, sort] of [[{}, { _id: 1 }] as const, ...queries]) {
            expect(await answer(indexed, filter, sort, 0, false), BSON.EJSON.stringify({ filter, sort })).toEqual(
              await answer(plain, filter, sort, 0, true),
            );
          }
          await Promise.all([indexed.drop(), plain.drop()]);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
