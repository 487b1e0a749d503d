import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@audit/shared';
import { generateSigningKeyValue } from '@audit/shared/integrity/signing';
import { ensureDemoKey } from './demo-workspace.ts';
import {
  DATA_DIR,
  REPO_ROOT,
  ensureTools,
  startFerretDb,
  startTemporalDev,
  stopChild,
  type RunningServer,
} from '@audit/local-servers';

/**
 * `npm start`: the whole service on one machine. Without TEMPORAL_ADDRESS / MONGODB_URI it runs
 * a local Temporal dev server and FerretDB with their state in .data/, so a second start finds
 * the data again; with them set it uses the given cluster and starts no server of its own.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);
const servers: RunningServer[] = [];
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

async function localSecret(file: string, make: () => string): Promise<string> {
  const path = join(DATA_DIR, file);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const value = make();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return value;
}

function runChild(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => `[${name}] ${l}`)
      .join('\n');
  child.stdout?.on('data', (c: Buffer) => say(prefix(c)));
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(`${prefix(c)}\n`));
  child.on('exit', (code, signal) => {
    // A terminal's Ctrl-C reaches the children too; give our own SIGINT handler the first word.
    setTimeout(() => {
      if (stopping) return;
      say(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }, 300);
  });
  children.push({ name, child });
  return child;
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function shutdown(code: number): Promise<void> {
  // Ctrl-C arrives twice (from the terminal and relayed by tsx); a second shutdown would race the
  // first, and an unhandled second signal would kill this process and orphan the servers.
  if (stopping) return;
  stopping = true;
  for (const { child } of [...children].reverse()) await stopChild(child);
  for (const s of [...servers].reverse()) await s.stop();
  process.exit(code);
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const localTemporal = !env.TEMPORAL_ADDRESS;
  const localMongo = !env.MONGODB_URI;
  await mkdir(DATA_DIR, { recursive: true });
  if (localTemporal || localMongo) {
    const tools = await ensureTools((l) => say(l));
    if (localMongo) {
      const port = Number(env.LOCAL_MONGODB_PORT ?? 27017);
      say(`[start] starting FerretDB on 127.0.0.1:${port} (data in .data/ferretdb)`);
      const ferret = await startFerretDb(tools, { dataDir: DATA_DIR, port });
      servers.push(ferret);
      env.MONGODB_URI = ferret.address;
    }
    if (localTemporal) {
      const port = Number(env.LOCAL_TEMPORAL_PORT ?? 7233);
      const uiPort = Number(env.LOCAL_TEMPORAL_UI_PORT ?? 8233);
      say(
        `[start] starting the Temporal dev server on 127.0.0.1:${port}, UI on ${uiPort} (state in .data/temporal.db)`,
      );
      const temporal = await startTemporalDev(tools, { dataDir: DATA_DIR, port, uiPort, persist: true });
      servers.push(temporal);
      env.TEMPORAL_ADDRESS = temporal.address;
    }
  }
  if (!env.ADMIN_TOKEN) {
    env.ADMIN_TOKEN = await localSecret('admin-token', () => `adm_${randomBytes(32).toString('base64url')}`);
  }
  if (!env.SECRET_ENCRYPTION_KEY) {
    env.SECRET_ENCRYPTION_KEY = await localSecret('secret-encryption-key', () => randomBytes(32).toString('base64'));
  }
  if (!env.AUDIT_SIGNING_KEY) {
    // The checkpoint signing key, like the other local secrets: kept in .data/ across restarts,
    // so checkpoints sealed yesterday still verify against today's published key.
    env.AUDIT_SIGNING_KEY = await localSecret('audit-signing-key', generateSigningKeyValue);
  }
  // A machine running its own embedded servers is a developer's: local receivers are allowed.
  const localMode = localTemporal && localMongo;
  if (localMode && env.WEBHOOK_ALLOW_PRIVATE === undefined) env.WEBHOOK_ALLOW_PRIVATE = 'true';
  // A person at a terminal reads the children's lines (prefixed here); a pipe or a file gets JSON.
  if (process.stdout.isTTY && env.LOG_PRETTY === undefined) env.LOG_PRETTY = '1';
  const config = parseConfig(env);

  // The API creates the indexes; the worker starts once that is done, because FerretDB fails
  // when two processes create the same new collection at once.
  runChild('api', 'packages/api/src/main.ts', env);
  await waitForHealth(`http://127.0.0.1:${config.PORT}/healthz`, 60_000);
  runChild('worker', 'packages/worker/src/main.ts', env);
  const demoKey = localMode
    ? await ensureDemoKey(`http://127.0.0.1:${config.PORT}`, config.ADMIN_TOKEN).catch(
        (err: Error) => `(not created: ${err.message})`,
      )
    : null;

  const uiPort = env.LOCAL_TEMPORAL_UI_PORT ?? '8233';
  say('');
  say('  Audit log service is running');
  say(`  API (tRPC)   ${config.PUBLIC_BASE_URL}/trpc`);
  say(`  Viewer       ${config.PUBLIC_BASE_URL}/`);
  say(
    `  Metrics      ${config.PUBLIC_BASE_URL}/metrics${config.WORKER_METRICS_PORT ? `, worker http://localhost:${config.WORKER_METRICS_PORT}/metrics` : ''}`,
  );
  say(
    localTemporal
      ? `  Temporal UI  http://localhost:${uiPort}`
      : `  Temporal     ${config.TEMPORAL_ADDRESS} (external)`,
  );
  say(localMongo ? `  MongoDB      ${config.MONGODB_URI} (local FerretDB)` : '  MongoDB      external (MONGODB_URI)');
  say(
    process.env.ADMIN_TOKEN
      ? '  Admin token  from ADMIN_TOKEN'
      : `  Admin token  ${config.ADMIN_TOKEN}  (kept in .data/admin-token)`,
  );
  if (demoKey) say(`  Sign-in key  ${demoKey}  (Enterprise workspace "demo", every scope; kept in .data/demo-key)`);
  if (localMode && config.WEBHOOK_ALLOW_PRIVATE)
    say('  Destinations may be http://127.0.0.1 here (local mode; try npm run receiver)');
  say('  Ctrl-C stops everything.');
  say('');
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  await shutdown(1);
});
