import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, type Mongo } from './mongo.ts';

interface Probe {
  _id: string;
  k?: unknown;
  n: number;
}

/**
 * The tools build keeps FerretDB's indexes as entries tables and answers conditions from them
 * (packages/local-servers/ferretdb). A pre-selection that dropped a matching document would
 * silently hide events, so each shape a field can take is checked against what MongoDB's
 * equality means (a string equal, or an array holding it), through find, count, update and
 * delete; and the plan shows the index doing the selecting. The generated cases are in
 * pushdown/pushdown-differential.integration.test.ts.
 */
describe('string equalities pushed down to SQLite on the test database', () => {
  let mongo: Mongo;
  beforeAll(async () => {
    mongo = await connectMongo(
      (inject as (k: string) => unknown)('mongodbUri') as string,
      `t_push_${randomBytes(4).toString('hex')}`,
    );
  });
  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  const shapes: Record<string, unknown> = {
    string: 'v',
    other_string: 'w',
    array_holding: ['x', 'v'],
    array_without: ['x'],
    array_of_document: [{ sub: 'v' }],
    document: { sub: 'v' },
    number: 5,
    null: null,
    escaped: 'a&b<c>"d"',
    unicode: 'é',
  };

  async function seeded(name: string) {
    const col = mongo.db.collection<Probe>(name);
    await col.createIndex({ k: 1, n: -1 }, { name: 'k_n' });
    await col.insertMany([...Object.entries(shapes).map(([_id, k], n) => ({ _id, k, n })), { _id: 'missing', n: 99 }]);
    return col;
  }
  const ids = (docs: { _id: string }[]) => docs.map((d) => d._id).sort();

  it('finds exactly what MongoDB equality and $in match', async () => {
    const col = await seeded('find');
    expect(ids(await col.find({ k: 'v' }).toArray())).toEqual(['array_holding', 'string']);
    expect(ids(await col.find({ k: { $in: ['v', 'w'] } }).toArray())).toEqual([
      'array_holding',
      'other_string',
      'string',
    ]);
    expect(ids(await col.find({ k: 'a&b<c>"d"' }).toArray())).toEqual(['escaped']);
    expect(ids(await col.find({ k: 'é' }).toArray())).toEqual(['unicode']);
    expect(ids(await col.find({ k: 'x', n: { $gt: 2 } }).toArray())).toEqual(['array_without']);
    expect(ids(await col.find({ _id: 'string', k: 'v' }).toArray())).toEqual(['string']);
    expect(ids(await col.find({ _id: 'string', k: 'w' }).toArray())).toEqual([]);
    expect(ids(await col.find({ k: 'v', $and: [{ n: { $lt: 3 } }] }).toArray())).toEqual(['array_holding', 'string']);
    expect(await col.countDocuments({ k: 'v' })).toBe(2);
  });

  it('updates and deletes exactly those documents', async () => {
    const col = await seeded('write');
    expect((await col.updateMany({ k: 'v' }, { $set: { n: -1 } })).modifiedCount).toBe(2);
    expect(ids(await col.find({ n: -1 }).toArray())).toEqual(['array_holding', 'string']);
    expect((await col.deleteMany({ k: { $in: ['w', 'x'] } })).deletedCount).toBe(3);
    expect(ids(await col.find({}).toArray())).toEqual([
      'array_of_document',
      'document',
      'escaped',
      'missing',
      'null',
      'number',
      'string',
      'unicode',
    ]);
  });

  it('reads the entries of the index that bounds the most fields, and scans only without one', async () => {
    const col = await seeded('plan');
    type Plan = { queryPlanner?: { indexName?: string; Plan?: string[] }; filterPushdown?: boolean };
    const explain = async (filter: object) => (await col.find(filter).explain()) as Plan;
    for (const filter of [
      { k: 'v', n: { $gt: 1 } },
      { k: { $gt: 'a' } },
      { k: 'tab\there' },
      { k: { $regex: '^v' } },
    ]) {
      const plan = await explain(filter);
      expect(plan.queryPlanner?.indexName, JSON.stringify(filter)).toBe('k_n');
      expect(plan.queryPlanner?.Plan?.[0]).toMatch(/SEARCH e USING PRIMARY KEY \(k0/);
    }
    for (const filter of [{ n: 3 }, { 'k.sub': 'v' }, { $or: [{ k: 'v' }, { n: 1 }] }]) {
      const plan = await explain(filter);
      expect(plan.queryPlanner?.indexName, JSON.stringify(filter)).toBe('');
      expect(plan.queryPlanner?.Plan?.[0]).toMatch(/SCAN t/);
    }
  });
});
