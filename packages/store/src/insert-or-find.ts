import type { Collection, Document, Filter, OptionalUnlessRequiredId } from 'mongodb';
import { isDuplicateKey } from './mongo.ts';

/**
 * Inserts the document, or returns the one a unique index says is already there. Insert first:
 * the common case is new, and a look-up first would cost FerretDB a collection scan every time.
 */
export async function insertOrFind<T extends Document>(col: Collection<T>, doc: T, existing: Filter<T>): Promise<T> {
  try {
    await col.insertOne(doc as OptionalUnlessRequiredId<T>);
    return doc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const found = (await col.findOne(existing)) as T | null;
    if (!found) throw err;
    return found;
  }
}
