import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyFerretdbChanges,
  ferretdbBuildId,
  readFerretdbChanges,
  type FerretdbChanges,
} from './ferretdb-patches.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'patch-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const patch = [
  '--- a/pkg/a.go',
  '+++ b/pkg/a.go',
  '@@ -1,3 +1,3 @@',
  ' package a',
  '-const X = C + "->\'$._id\'"',
  '+const X = C + `->"_id"`',
  ' // end',
  '',
].join('\n');

const changes: FerretdbChanges = { patch, files: [{ path: 'pkg/b/new.go', source: 'package b\n' }] };

describe('applyFerretdbChanges', () => {
  it('applies the diff exactly and adds the files', async () => {
    const root = await tree({ 'pkg/a.go': `package a\nconst X = C + "->'$._id'"\n// end\n` });
    await applyFerretdbChanges(root, changes, () => {});
    expect(await readFile(join(root, 'pkg', 'a.go'), 'utf8')).toBe('package a\nconst X = C + `->"_id"`\n// end\n');
    expect(await readFile(join(root, 'pkg', 'b', 'new.go'), 'utf8')).toBe('package b\n');
  });

  it('refuses source that moved, writing nothing', async () => {
    const moved = `package a\nconst X = C + "->'$.id'"\n// end\n`;
    const root = await tree({ 'pkg/a.go': moved });
    await expect(applyFerretdbChanges(root, changes, () => {})).rejects.toThrow(/pkg\/a.go does not match/);
    expect(await readFile(join(root, 'pkg', 'a.go'), 'utf8')).toBe(moved);
    await expect(readFile(join(root, 'pkg', 'b', 'new.go'), 'utf8')).rejects.toThrow();
  });
});

describe('the project changes', () => {
  it('name FerretDB files and Go sources, and the build id follows their content', async () => {
    const real = await readFerretdbChanges();
    expect(real.patch).toMatch(/^--- a\/internal\/backends\/sqlite\/collection\.go$/m);
    expect(real.files.map((f) => f.path)).toContain('internal/backends/sqlite/entries/key.go');
    const edited = { ...real, files: [...real.files, { path: 'internal/x.go', source: 'package x\n' }] };
    expect(await ferretdbBuildId(edited)).not.toBe(await ferretdbBuildId(real));
  });
});
