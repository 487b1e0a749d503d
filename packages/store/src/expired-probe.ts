import type { Collection, Filter } from 'mongodb';

/** Matches read per query; a reply this full is asked again without the workspaces it named. */
const PROBE_LIMIT = 1_000;

/**
 * Which of `workspaceIds` hold a document whose `field` is earlier than `cutoff`: the retention
 * purge's look at many workspaces in one query, an index range per workspace (MongoDB, and the
 * tools build of FerretDB for an `$in` of up to 1,000 values; one workspace is asked by
 * equality). A workspace with many expired documents can fill a reply on its own, so a full
 * reply is followed by another without the workspaces already found.
 */
export async function workspacesWithOlder<T extends { workspaceId: string }>(
  col: Collection<T>,
  field: string,
  workspaceIds: string[],
  cutoff: Date,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let rest = workspaceIds; rest.length > 0; rest = rest.filter((id) => !found.has(id))) {
    const filter = { workspaceId: rest.length === 1 ? rest[0] : { $in: rest }, [field]: { $lt: cutoff } } as Filter<T>;
    const docs = await col
      .find(filter, { projection: { _id: 0, workspaceId: 1 } })
      .limit(PROBE_LIMIT)
      .toArray();
    for (const d of docs) found.add(d.workspaceId);
    if (docs.length < PROBE_LIMIT) break;
  }
  return found;
}
