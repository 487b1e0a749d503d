import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '@audit/shared/temporal-names';
import { spawnLogged, waitForTcp, type ManagedProcess } from './process.ts';
import type { Tools } from './tools.ts';

export interface TemporalDevOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  /** Without a file the state lives in memory (tests); with one it survives restarts. */
  persist: boolean;
}

export interface RunningServer extends ManagedProcess {
  address: string;
}

export async function startTemporalDev(tools: Tools, o: TemporalDevOptions): Promise<RunningServer> {
  await mkdir(o.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--log-level',
    'warn',
  ];
  if (o.persist) args.push('--db-filename', join(o.dataDir, 'temporal.db'));
  for (const name of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=Keyword`);
  // A stream's next step then starts on the worker that finished the workflow task, without a
  // round trip through the task queue (the SDK asks for it by default; the server must allow it).
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  const proc = spawnLogged('temporal', tools.temporal, args, join(o.dataDir, 'temporal.log'));
  await waitForTcp('127.0.0.1', o.port, 60_000, proc.child);
  return { ...proc, address: `127.0.0.1:${o.port}` };
}

export interface FerretDbOptions {
  dataDir: string;
  port: number;
}

/**
 * Added to FerretDB's own (busy timeout, WAL). An insert touches dozens of B-tree pages (index
 * entries): temporary journals in memory rather than files, a 128 MiB page cache and memory-mapped
 * reads spare most of the system calls. The WAL keeps SQLite's default checkpoint size: a larger
 * one made the commit that checkpoints stall for seconds under load.
 */
const SQLITE_PRAGMAS = ['temp_store(memory)', 'cache_size(-131072)', 'mmap_size(4294967296)'];

export async function startFerretDb(tools: Tools, o: FerretDbOptions): Promise<RunningServer> {
  const dbDir = join(o.dataDir, 'ferretdb');
  await mkdir(dbDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dbDir}/?${SQLITE_PRAGMAS.map((p) => `_pragma=${p}`).join('&')}`,
    `--listen-addr=127.0.0.1:${o.port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    `--state-dir=${dbDir}`,
    '--log-level=warn',
  ];
  // FerretDB decodes every stored document it scans into fresh Go objects, and at Go's default
  // GOGC=100 a third of a scan went to garbage collection. 400 made scans 1.6x faster; its live
  // heap is small, so the memory this costs is too. An explicit GOGC in the environment wins.
  const proc = spawnLogged('ferretdb', tools.ferretdb, args, join(o.dataDir, 'ferretdb.log'), {
    GOGC: '400',
    ...process.env,
  });
  await waitForTcp('127.0.0.1', o.port, 30_000, proc.child);
  return { ...proc, address: `mongodb://127.0.0.1:${o.port}/` };
}
