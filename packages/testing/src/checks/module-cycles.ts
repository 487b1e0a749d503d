import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { importSites, type WorkspacePackage } from './workspace-imports.ts';

/**
 * Cycles among a package's own modules (relative imports). A module in a cycle may run before
 * what it imports has been initialised (an entry point that re-exports a module which imports it
 * back, say), so there should be none. Each cycle is reported once, as a path of files.
 */
export function moduleCycles(pkg: WorkspacePackage): string[][] {
  const graph = new Map<string, string[]>();
  for (const { file, specifier } of importSites(pkg)) {
    const targets = graph.get(file) ?? [];
    graph.set(file, targets);
    if (!specifier.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier);
    if (existsSync(target)) targets.push(target);
  }
  const done = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) return void cycles.push([...path.slice(at), file]);
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}
