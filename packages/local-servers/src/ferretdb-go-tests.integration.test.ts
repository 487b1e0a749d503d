import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FERRETDB_CHANGES_DIR, readFerretdbChanges } from './ferretdb-patches.ts';
import { prepareFerretDbSource } from './tools.ts';

/**
 * The Go tests that come with the project's FerretDB changes (the one-pass document decoder's
 * differential test against FerretDB's own decoding, among them), run in FerretDB's tree with
 * every change applied, together with FerretDB's own tests of the same packages.
 */
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ferretdb-go-'));
  await prepareFerretDbSource(join(root, 'src'), await readFerretdbChanges(), () => {});
  // FerretDB's test helpers find the repository's root by its .git directory.
  await mkdir(join(root, 'src', '.git'));
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function packagesWithTests(): Promise<string[]> {
  const files = await readdir(join(FERRETDB_CHANGES_DIR, 'internal'), { recursive: true });
  const dirs = new Set(files.filter((f) => f.endsWith('_test.go')).map((f) => `./internal/${dirname(f)}/`));
  return [...dirs].sort();
}

function goTest(cwd: string, pkgs: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['test', '-count=1', ...pkgs], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

it('passes the Go tests of the changed FerretDB packages', async () => {
  const pkgs = await packagesWithTests();
  expect(pkgs).toContain('./internal/handler/sjson/');
  const { code, output } = await goTest(join(root, 'src'), pkgs);
  expect(output).not.toMatch(/^(FAIL|panic)/m);
  expect(code, output).toBe(0);
}, 600_000);
