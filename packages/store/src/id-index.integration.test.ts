import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, type Mongo } from './mongo.ts';

/**
 * Every tenant look-up, delivery update and purge delete filters on `_id` alone so the database
 * can answer it from the `_id` index. FerretDB's SQLite backend reports its SQLite query plan in
 * `explain`; without the id-column patch of the tools build that plan is a table scan.
 */
describe('look-ups by _id on the test database', () => {
  let mongo: Mongo;
  beforeAll(async () => {
    mongo = await connectMongo(
      (inject as (k: string) => unknown)('mongodbUri') as string,
      `t_idx_${randomBytes(4).toString('hex')}`,
    );
  });
  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it('go through the _id index, and other filters do not', async () => {
    const col = mongo.db.collection<{ _id: string; n: number }>('probe');
    await col.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `aud_${String(n).padStart(4, '0')}`, n })));
    const plan = async (filter: object) =>
      JSON.stringify(((await col.find(filter).explain()) as { queryPlanner?: unknown }).queryPlanner);
    expect(await plan({ _id: 'aud_0007' })).toMatch(/SEARCH .* USING INDEX/);
    expect(await plan({ n: 7 })).not.toMatch(/USING INDEX/);
    expect(await col.findOne({ _id: 'aud_0007' })).toEqual({ _id: 'aud_0007', n: 7 });
    expect((await col.deleteOne({ _id: 'aud_0007' })).deletedCount).toBe(1);
    expect(await col.countDocuments()).toBe(49);
  });
});
