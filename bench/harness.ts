import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureTools,
  freePort,
  startFerretDb,
  startTemporalDev,
  type ManagedProcess,
  type RunningServer,
} from '@audit/local-servers';
import { connectMongo, ensureIndexes, type Mongo } from '@audit/store';
import { startApiProcess } from '@audit/testing/drills';

/** `--name=value` from the command line, else the default; numbers may use `_` (100_000). */
export function arg(name: string, fallback: number): number {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

export function header(title: string, settings: Record<string, unknown>): void {
  console.log(`\n== ${title}`);
  console.log(
    `machine: ${availableParallelism()} cores (os.availableParallelism), ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
  );
  console.log(
    `settings: ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}

export interface Bench {
  dir: string;
  ferret: RunningServer;
  temporal: RunningServer | null;
  /** A direct driver connection to the same FerretDB, for baselines and seeding. */
  raw(db: string): Promise<Mongo>;
  /** The API as its own process, as `npm start` runs it, on a database of its own. */
  api(db: string, env?: Record<string, string>): Promise<{ url: string; proc: ManagedProcess }>;
  close(): Promise<void>;
}

/** Its own FerretDB (and Temporal dev server when asked) in a temporary directory. */
export async function openBench(opts: { temporal: boolean }): Promise<Bench> {
  const tools = await ensureTools((l) => console.log(l));
  const dir = await mkdtemp(join(tmpdir(), 'audit-bench-'));
  const ferret = await startFerretDb(tools, { dataDir: dir, port: await freePort() });
  const temporal = opts.temporal
    ? await startTemporalDev(tools, { dataDir: dir, port: await freePort(), uiPort: await freePort(), persist: false })
    : null;
  const procs: ManagedProcess[] = [];
  const mongos: Mongo[] = [];
  return {
    dir,
    ferret,
    temporal,
    async raw(db) {
      const m = await connectMongo(ferret.address, db);
      await ensureIndexes(m.db);
      mongos.push(m);
      return m;
    },
    async api(db, env) {
      const port = await freePort();
      // Without Temporal the address is never dialled: recording needs it only for webhooks.
      const proc = await startApiProcess({
        port,
        mongodbUri: ferret.address,
        db,
        temporalAddress: temporal?.address ?? '127.0.0.1:7',
        logDir: dir,
        env,
      });
      procs.push(proc);
      return { url: `http://127.0.0.1:${port}`, proc };
    },
    async close() {
      for (const p of procs) await p.stop();
      for (const m of mongos) await m.close();
      await temporal?.stop();
      await ferret.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function table(rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows)
    console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]!) : String(v).padStart(widths[c]!))).join('  '));
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs `worker` on `concurrency` lanes until `total` items are taken; returns wall time in ms. */
export async function lanes(concurrency: number, total: number, worker: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await worker(i);
    }),
  );
  return performance.now() - started;
}

/** A query's median time over `runs` runs, and how many rows it returned. */
export async function medianQuery(f: () => Promise<unknown[]>, runs: number): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    rows = (await f()).length;
    times.push(performance.now() - s);
  }
  return { ms: times.sort((x, y) => x - y)[Math.floor(times.length / 2)]!, rows };
}
