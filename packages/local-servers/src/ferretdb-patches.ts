import { createHash } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourcePatch {
  file: string;
  from: string;
  to: string;
  why: string;
}

/** FerretDB v1.24.2's `_id`-only pushdown in the SQLite backend's Query, replaced by pushdown.go's. */
const QUERY_WHERE = [
  '\tif params.Filter.Len() == 1 {',
  '\t\tv, _ := params.Filter.Get("_id")',
  '\t\tswitch v.(type) {',
  '\t\tcase string, types.ObjectID:',
  '\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)',
  '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}',
  '\t\t}',
  '\t}',
  '',
].join('\n');

/** The same rule in its Explain. */
const EXPLAIN_WHERE = QUERY_WHERE.replace('\t\tcase string, types.ObjectID:\n', '\t\tcase string, types.ObjectID:\n\t\t\tfilterPushdown = true\n');

/**
 * Changes applied to FerretDB's source before it is built. Each one must match exactly once, so
 * a version bump that moves the code fails the build instead of silently dropping the fix.
 */
export const FERRETDB_PATCHES: SourcePatch[] = [
  {
    // The SQLite backend creates the `_id_` index on `_ferretdb_sjson->"_id"` but looks documents
    // up by `_ferretdb_sjson->'$._id'`. SQLite matches index expressions by their text, so every
    // find, update and delete by `_id` scanned the table: 2.4 s per look-up at 100,000 events.
    // Both expressions read the same value; using the index's own spelling makes them indexed.
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
    why: 'use the _id index for look-ups by _id (SQLite backend)',
  },
  {
    // The stock rule pushes a filter down to SQLite only when it is exactly one `_id` equality, so
    // every other query decoded every document of the collection in Go (about 0.2 ms each for an
    // event here): one tenant's list paid for every other tenant's events. pushdown.go (added
    // below) also pushes down top-level equalities and `$in`s on plain strings, through the
    // indexes that start with that field.
    file: 'internal/backends/sqlite/collection.go',
    from: QUERY_WHERE,
    to: '\twhereClause, args = prepareWhereClause(params.Filter)\n',
    why: 'push down top-level string equalities in queries (SQLite backend)',
  },
  {
    // The same rule in `explain`, so that it reports what Query now does.
    file: 'internal/backends/sqlite/collection.go',
    from: EXPLAIN_WHERE,
    to: '\twhereClause, args = prepareWhereClause(params.Filter)\n\tfilterPushdown = whereClause != ""\n',
    why: 'report the same pushdown in explain (SQLite backend)',
  },
];

/** Go files of our own added to FerretDB's source tree before the build (kept in ../ferretdb). */
export const FERRETDB_FILES: { file: string; source: string }[] = [
  { file: 'internal/backends/sqlite/pushdown.go', source: join(dirname(fileURLToPath(import.meta.url)), '../ferretdb/pushdown.go') },
];

/** Identifies a build: a binary built with other patches or other added files is rebuilt. */
export async function ferretdbBuildId(): Promise<string> {
  const files = await Promise.all(FERRETDB_FILES.map(async (f) => [f.file, await readFile(f.source, 'utf8')]));
  const digest = createHash('sha256').update(JSON.stringify([FERRETDB_PATCHES.map((p) => [p.file, p.to]), files])).digest('hex');
  return `ferretdb ${digest.slice(0, 16)}`;
}

export async function addFiles(root: string, files: { file: string; source: string }[], log: (line: string) => void): Promise<void> {
  for (const f of files) {
    await copyFile(f.source, join(root, f.file));
    log(`[tools]   added ${f.file}`);
  }
}

export async function applyPatches(root: string, patches: SourcePatch[], log: (line: string) => void): Promise<void> {
  for (const p of patches) {
    const path = join(root, p.file);
    const text = await readFile(path, 'utf8');
    const count = text.split(p.from).length - 1;
    if (count !== 1) throw new Error(`patch "${p.why}" expects its text once in ${p.file}, found it ${count} times`);
    await writeFile(path, text.replace(p.from, () => p.to));
    log(`[tools]   patched ${p.file}: ${p.why}`);
  }
}
