import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SourcePatch {
  file: string;
  from: string;
  to: string;
  why: string;
}

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
];

/** Identifies a build: a binary built with other patches is rebuilt. */
export const FERRETDB_BUILD_ID = `ferretdb ${FERRETDB_PATCHES.map((p) => `${p.file}:${p.to}`).join('|')}`;

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
