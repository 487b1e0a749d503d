/**
 * FerretDB hands a `$in` of at most this many strings to its index (the tools build's pushdown);
 * a longer list scans the collection. MongoDB takes any length.
 */
export const IN_LIMIT = 100;

/** Runs `find` over the distinct values in slices FerretDB still serves from an index. */
export async function inChunks<T>(values: string[], find: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const distinct = [...new Set(values)];
  const out: T[] = [];
  for (let i = 0; i < distinct.length; i += IN_LIMIT) out.push(...(await find(distinct.slice(i, i + IN_LIMIT))));
  return out;
}
