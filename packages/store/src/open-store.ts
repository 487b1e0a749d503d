import type { IndexDescription } from 'mongodb';
import { createStore, type Store, type StoreOptions } from './create-store.ts';
import { ensureIndexes } from './indexes.ts';
import { connectMongo, type Mongo } from './mongo.ts';

/** Connects, makes sure every index exists, and returns the store with a way to close it. */
export async function openStore(
  uri: string,
  dbName: string,
  extraIndexes?: Record<string, IndexDescription[]>,
  options: StoreOptions = {},
): Promise<{ store: Store; mongo: Mongo }> {
  const mongo = await connectMongo(uri, dbName);
  // Another process may be creating the same collections right now; a second pass settles it.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureIndexes(mongo.db, extraIndexes);
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  return { store: createStore(mongo.db, options), mongo };
}
