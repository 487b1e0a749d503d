import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatch, parsePatch } from 'diff';

/**
 * The project's changes to FerretDB, applied to its source before the build (see
 * docs/decisions on the embedded store): `stock.patch`, a unified diff of FerretDB's own files,
 * and Go files of our own under `internal/`, copied to the same place in FerretDB's tree.
 */
export const FERRETDB_CHANGES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../ferretdb');

export interface FerretdbChanges {
  patch: string;
  /** Paths relative to FerretDB's module root, with their contents. */
  files: { path: string; source: string }[];
}

export async function readFerretdbChanges(dir = FERRETDB_CHANGES_DIR): Promise<FerretdbChanges> {
  const patch = await readFile(join(dir, 'stock.patch'), 'utf8');
  const paths = (await readdir(join(dir, 'internal'), { recursive: true })).filter((p) => p.endsWith('.go')).sort();
  const files = await Promise.all(
    paths.map(async (p) => ({ path: join('internal', p), source: await readFile(join(dir, 'internal', p), 'utf8') })),
  );
  return { patch, files };
}

/** Identifies a build: a binary built from other changes is rebuilt. */
export async function ferretdbBuildId(changes?: FerretdbChanges): Promise<string> {
  const c = changes ?? (await readFerretdbChanges());
  const digest = createHash('sha256')
    .update(JSON.stringify([c.patch, c.files.map((f) => [f.path, f.source])]))
    .digest('hex');
  return `ferretdb ${digest.slice(0, 16)}`;
}

/**
 * Applies the changes to a copy of FerretDB's source. Every hunk must fit exactly (no fuzz), so
 * a version bump that moves the code fails the build instead of silently dropping a change;
 * nothing is written unless every file of the patch applies.
 */
export async function applyFerretdbChanges(
  root: string,
  changes: FerretdbChanges,
  log: (line: string) => void,
): Promise<void> {
  const patched: { path: string; text: string }[] = [];
  for (const p of parsePatch(changes.patch)) {
    const file = (p.newFileName ?? '').replace(/^b\//, '');
    const path = join(root, file);
    const text = applyPatch(await readFile(path, 'utf8'), p, { fuzzFactor: 0 });
    if (text === false)
      throw new Error(`FerretDB's ${file} does not match the project's stock.patch; the changes need porting`);
    patched.push({ path, text });
  }
  for (const p of patched) {
    await writeFile(p.path, p.text);
    log(`[tools]   patched ${relative(root, p.path)}`);
  }
  for (const f of changes.files) {
    await mkdir(dirname(join(root, f.path)), { recursive: true });
    await writeFile(join(root, f.path), f.source);
    log(`[tools]   added ${f.path}`);
  }
}
