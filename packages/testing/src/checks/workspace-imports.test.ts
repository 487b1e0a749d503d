import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { moduleCycles } from './module-cycles.ts';
import { packageOf, undeclaredImports, workspacePackages } from './workspace-imports.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const packages = workspacePackages(ROOT);

describe('workspace packages: declared imports, no cycles', () => {
  it.each(packages.map((p) => [p.name, p] as const))('%s declares every package it imports', (_name, pkg) => {
    expect(undeclaredImports(pkg)).toEqual([]);
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s has no import cycle among its modules', (_name, pkg) => {
    expect(moduleCycles(pkg).map((c) => c.map((f) => relative(pkg.dir, f)).join(' → '))).toEqual([]);
  });

  it('runtime dependencies between workspace packages form no cycle', () => {
    // Tests may close a loop through devDependencies (api's tests use @audit/testing, which
    // uses api); a loop of dependencies would mean no package could be loaded first.
    const byName = new Map(packages.map((p) => [p.name, p]));
    const cycles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (path.includes(name)) return void cycles.push([...path.slice(path.indexOf(name)), name].join(' → '));
      for (const dep of byName.get(name)?.dependencies ?? []) if (byName.has(dep)) visit(dep, [...path, name]);
    };
    for (const p of packages) visit(p.name, []);
    expect(cycles).toEqual([]);
  });

  it('finds what a package leaves undeclared, and where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imports-'));
    try {
      mkdirSync(join(dir, 'src'));
      const write = (file: string, text: string) => writeFileSync(join(dir, 'src', file), text);
      write(
        'main.ts',
        "import { z } from 'zod';\nimport type { X } from 'undeclared';\nimport { t } from '@audit/testing';\nimport './own.ts';\nimport { readFile } from 'node:fs';\nexport * from '@demo/self/sub';\n",
      );
      write(
        'typed.ts',
        "import type { Router } from '@demo/server';\nexport type { Shape } from '@demo/server/shape';\n",
      );
      write('mixed.ts', "import type { A } from '@demo/mixed';\nimport { b } from '@demo/mixed';\n");
      write(
        'main.test.ts',
        "import { it } from 'vitest';\nimport { t } from '@audit/testing/hostile';\nimport { y } from '../../elsewhere/src/y.ts';\n",
      );
      const pkg = {
        name: '@demo/self',
        dir,
        dependencies: new Set(['zod']),
        devDependencies: new Set(['vitest', '@audit/testing', '@demo/server', '@demo/mixed']),
      };
      expect(undeclaredImports(pkg).sort()).toEqual([
        "@demo/self src/main.test.ts: '../../elsewhere/src/y.ts' leaves the package",
        "@demo/self src/main.ts: '@audit/testing' is not in dependencies",
        "@demo/self src/main.ts: 'undeclared' is not in dependencies",
        "@demo/self src/mixed.ts: '@demo/mixed' is not in dependencies",
        "@demo/self src/mixed.ts: '@demo/mixed' is not in dependencies",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a package by its first path segment, or two when scoped', () => {
    expect(packageOf('@audit/shared/webhook-signing')).toBe('@audit/shared');
    expect(packageOf('csv-stringify/sync')).toBe('csv-stringify');
    expect(packageOf('node:crypto')).toBeNull();
    expect(packageOf('./local.ts')).toBeNull();
  });
});
