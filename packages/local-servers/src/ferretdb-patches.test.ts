import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPatches, type SourcePatch } from './ferretdb-patches.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tree(content: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'patch-'));
  dirs.push(root);
  await mkdir(join(root, 'pkg'));
  await writeFile(join(root, 'pkg', 'a.go'), content);
  return root;
}

const patch: SourcePatch = { file: 'pkg/a.go', from: `X = C + "->'$._id'"`, to: 'X = C + `->"_id"`', why: 'test' };

describe('applyPatches', () => {
  it('replaces the text once, keeping `$` sequences literal', async () => {
    const root = await tree(`package a\nconst X = C + "->'$._id'"\n`);
    await applyPatches(root, [patch], () => {});
    expect(await readFile(join(root, 'pkg', 'a.go'), 'utf8')).toBe('package a\nconst X = C + `->"_id"`\n');
  });

  it('refuses when the text is missing or appears twice, leaving the file as it was', async () => {
    const twice = `X = C + "->'$._id'"\nX = C + "->'$._id'"\n`;
    for (const content of ['package a\n', twice]) {
      const root = await tree(content);
      await expect(applyPatches(root, [patch], () => {})).rejects.toThrow(/expects its text once in pkg\/a.go/);
      expect(await readFile(join(root, 'pkg', 'a.go'), 'utf8')).toBe(content);
    }
  });
});
