import type { IndexDescription } from 'mongodb';
import { createStore, type Store } from './index.ts';
import { ensureIndexes } from './indexes.ts';
import { connectMongo, type Mongo } from './mongo.ts';

/** Connects, makes sure every index exists, and returns the store with a way to close it. */
export async function openStore(uri: string, dbName: string, extraIndexes?: Record<string, IndexDescription[]>): Promise<{ store: Store; mongo: Mongo }> {
  const mongo = await connectMongo(uri, dbName);
  await ensureIndexes(mongo.db, extraIndexes);
  return { store: createStore(mongo.db), mongo };
}
