import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface WorkspacePackage {
  name: string;
  dir: string;
  dependencies: Set<string>;
  devDependencies: Set<string>;
}

export interface ImportSite {
  file: string;
  specifier: string;
  /** A *.test.ts file, which may also use the package's devDependencies. */
  test: boolean;
  /** Every import of it in the file is `import type`/`export type`: erased, nothing loads at run time. */
  typeOnly: boolean;
}

const SOURCE = /\.[cm]?[jt]s$/;
const TEST = /\.test\.[cm]?[jt]s$/;

/** The workspace packages named in the root package.json, with what each declares. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return rootManifest.workspaces.map((ws) => {
    const dir = join(root, ws);
    const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | string | undefined
    >;
    const names = (field: string) => new Set(Object.keys((m[field] as Record<string, string> | undefined) ?? {}));
    return {
      name: m.name as string,
      dir,
      dependencies: new Set([...names('dependencies'), ...names('peerDependencies'), ...names('optionalDependencies')]),
      devDependencies: names('devDependencies'),
    };
  });
}

/** Every module specifier in the package's source, found by TypeScript's own import scanner. */
export function importSites(pkg: WorkspacePackage): ImportSite[] {
  return sourceFiles(pkg.dir).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const typeOnly = typeOnlySpecifiers(file, text);
    return ts
      .preProcessFile(text, true, true)
      .importedFiles.map((f) => ({
        file,
        specifier: f.fileName,
        test: TEST.test(file),
        typeOnly: typeOnly.has(f.fileName),
      }));
  });
}

/** Specifiers that the file names only in type-only import and export declarations. */
function typeOnlySpecifiers(file: string, text: string): Set<string> {
  const typeOnly = new Set<string>();
  const runtime = new Set<string>();
  for (const st of ts.createSourceFile(file, text, ts.ScriptTarget.Latest).statements) {
    if (
      (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier)
    ) {
      const erased = ts.isImportDeclaration(st) ? st.importClause?.isTypeOnly === true : st.isTypeOnly;
      (erased ? typeOnly : runtime).add(st.moduleSpecifier.text);
    }
  }
  for (const s of runtime) typeOnly.delete(s);
  return typeOnly;
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; null for relative paths and builtins. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * What the package imports without declaring it. Production files may use only `dependencies`:
 * a devDependency (the test harness, fast-check, vitest) there would be missing in a deployment,
 * and a production import of @audit/testing would be a cycle. Tests may use either, and so may a
 * production file's type-only imports, which are erased (the client types itself from the API
 * without loading it). A relative path out of the package reaches into another one's internals,
 * declared or not.
 */
export function undeclaredImports(pkg: WorkspacePackage): string[] {
  return importSites(pkg).flatMap(({ file, specifier, test, typeOnly }) => {
    const where = `${relative(pkg.dir, file)}: '${specifier}'`;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      return target === pkg.dir || target.startsWith(pkg.dir + sep) ? [] : [`${pkg.name} ${where} leaves the package`];
    }
    const name = packageOf(specifier);
    if (name === null || name === pkg.name || pkg.dependencies.has(name)) return [];
    if ((test || typeOnly) && pkg.devDependencies.has(name)) return [];
    return [`${pkg.name} ${where} is not in ${test ? 'dependencies or devDependencies' : 'dependencies'}`];
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}
