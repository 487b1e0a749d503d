import type { Collection, Document } from 'mongodb';

/**
 * A document by id, only if it belongs to the tenant. The filter is `_id` alone and the tenant is
 * checked here: the answer is the same as filtering on both, but FerretDB pushes down only a
 * filter that is exactly `{ _id }` (anything else scans the collection), and MongoDB serves
 * either from the `_id` index.
 */
export async function findOwned<T extends Document & { _id: string }>(
  col: Collection<T>,
  id: string,
  owner: Partial<Record<keyof T & string, string>>,
): Promise<T | null> {
  const doc = (await col.findOne({ _id: id } as never)) as T | null;
  if (!doc) return null;
  for (const [field, value] of Object.entries(owner)) if (doc[field] !== value) return null;
  return doc;
}
