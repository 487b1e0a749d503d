import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyFerretdbChanges,
  ferretdbBuildId,
  readFerretdbChanges,
  type FerretdbChanges,
} from './ferretdb-patches.ts';
import { withBuildLock } from './build-lock.ts';
import { TOOLS_BIN, TOOLS_DIR } from './paths.ts';

export const TEMPORAL_CLI_VERSIONS = ['v1.5.1', 'v1.4.1', 'v1.3.0'] as const;
export const FERRETDB_VERSION = 'v1.24.2';

export interface Tools {
  temporal: string;
  ferretdb: string;
}

type Log = (line: string) => void;

/** Builds the Temporal dev server and FerretDB from source on first use; later calls reuse them. */
export async function ensureTools(log: Log = (l) => process.stderr.write(`${l}\n`)): Promise<Tools> {
  await mkdir(TOOLS_BIN, { recursive: true });
  const temporal = join(TOOLS_BIN, 'temporal');
  const ferretdb = join(TOOLS_BIN, 'ferretdb');
  if (!existsSync(temporal)) await buildTemporal(temporal, log);
  const stamp = `${ferretdb}.build`;
  const changes = await readFerretdbChanges();
  const built = `${FERRETDB_VERSION} ${await ferretdbBuildId(changes)}`;
  const current = async () => existsSync(ferretdb) && (await readFile(stamp, 'utf8').catch(() => '')) === built;
  if (!(await current())) {
    // Test runs started at once share .tools: one builds, the others wait and then use its binary.
    await withBuildLock(log, async () => {
      if (await current()) return;
      await buildFerretDb(ferretdb, changes, log);
      await writeFile(stamp, built);
    });
  }
  return { temporal, ferretdb };
}

async function buildTemporal(target: string, log: Log): Promise<void> {
  const gobin = join(TOOLS_DIR, 'gobin-temporal');
  for (const version of TEMPORAL_CLI_VERSIONS) {
    log(`[tools] building the Temporal dev server ${version} with go install (first run only, a few minutes)…`);
    const ok = await run(
      'go',
      ['install', '-v', `github.com/temporalio/cli/cmd/temporal@${version}`],
      { GOBIN: gobin },
      log,
    );
    if (ok) {
      await rename(join(gobin, 'temporal'), target);
      await rm(gobin, { recursive: true, force: true });
      log(`[tools] Temporal dev server ready: ${target}`);
      return;
    }
    log(`[tools] temporal ${version} did not build; trying the next fallback`);
  }
  throw new Error('could not build the Temporal CLI; is Go installed and the module proxy reachable?');
}

/**
 * FerretDB's own binary refuses to start unless build/version/version.txt is filled in, which
 * `go install` of the module cannot do; so the module is copied, that file written, the patches
 * in ferretdb-patches.ts applied, then built.
 */
async function buildFerretDb(target: string, changes: FerretdbChanges, log: Log): Promise<void> {
  log(`[tools] building FerretDB ${FERRETDB_VERSION} (first run only, about a minute)…`);
  const src = join(TOOLS_DIR, 'src', 'ferretdb');
  await prepareFerretDbSource(src, changes, log);
  const tmp = `${target}.partial`;
  const ok = await run('go', ['build', '-v', '-o', tmp, './cmd/ferretdb'], {}, log, src);
  if (!ok) throw new Error('could not build FerretDB');
  await rename(tmp, target);
  await rm(src, { recursive: true, force: true });
  log(`[tools] FerretDB ready: ${target}`);
}

/** Copies FerretDB's module source to `src` (replacing it) with the project's changes applied. */
export async function prepareFerretDbSource(src: string, changes: FerretdbChanges, log: Log): Promise<void> {
  const mod = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;
  const json = await capture('go', ['mod', 'download', '-json', mod]);
  const dir = (JSON.parse(json) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${mod} gave no directory`);
  await rm(src, { recursive: true, force: true });
  await cp(dir, src, { recursive: true });
  await chmodTree(src);
  await writeFile(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  await applyFerretdbChanges(src, changes, log);
}

async function chmodTree(dir: string): Promise<void> {
  await run('chmod', ['-R', 'u+w', dir], {}, () => {});
  await chmod(dir, 0o755);
}

function run(cmd: string, args: string[], env: Record<string, string>, log: Log, cwd?: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let count = 0;
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        count += 1;
        if (count % 25 === 0 || /error|cannot|refuse/i.test(line)) log(`[tools]   ${count} steps… ${line.trim()}`);
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    child.on('error', () => resolvePromise(false));
    child.on('close', (code) => resolvePromise(code === 0));
  });
}

function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}
