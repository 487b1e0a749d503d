import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { generateSigningKeyValue } from '@audit/shared/integrity/signing';
import {
  appRouter,
  createApp,
  createCallerFactory,
  createContext,
  createTemporal,
  silentLogger,
  type ApiDeps,
  type ApiMetrics,
  type Logger,
} from '@audit/api';
import { authenticate } from '@audit/api/auth';
import { parseConfig, type Plan } from '@audit/shared';
import { openStore, type ApiScope } from '@audit/store';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createAuditWorker, type WorkerDeps } from '@audit/worker';
import { provided } from './provided-keys.ts';

let runtimeInstalled = false;

/** Once per test process: the SDK's INFO lines would bury the test output. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  } catch {
    // Something in this process already created the runtime; its logger stays.
  }
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export interface Tenant {
  organizationId: string;
  workspaceId: string;
  keyId: string;
  key: string;
  caller: Caller;
}

export interface RunningWorker {
  worker: Worker;
  /** Its own connection to Temporal (a readiness check asks it). */
  connection: NativeConnection;
  stop(): Promise<void>;
}

export interface TestEnv {
  deps: ApiDeps;
  admin: Caller;
  /** A caller authenticated exactly as an HTTP request with this bearer token would be. */
  callerFor(token: string): Promise<Caller>;
  tenant(plan: Plan, scopes?: ApiScope[], organizationId?: string): Promise<Tenant>;
  http(): Promise<{ url: string; close(): Promise<void> }>;
  /** A real worker on this env's task queue, running the bundled workflow code, until stopped. */
  startWorker(overrides?: Partial<Omit<WorkerDeps, 'config' | 'store' | 'connection'>>): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  /** The logger of the env's API deps and of its workers (e.g. captureLogs().log); silent by default. */
  log?: Logger;
  /** Counted into by the env's API; none by default. */
  metrics?: ApiMetrics;
}

const ALL_SCOPES: ApiScope[] = ['events:write', 'events:read', 'webhooks:manage'];

/**
 * A fresh database on the shared FerretDB and a unique task queue on the shared Temporal, so
 * test files never see each other's data.
 */
export async function openTestEnv(env: Record<string, string> = {}, options: TestEnvOptions = {}): Promise<TestEnv> {
  const suffix = randomBytes(6).toString('hex');
  const config = parseConfig({
    MONGODB_URI: provided('mongodbUri'),
    MONGODB_DB: `t_${suffix}`,
    TEMPORAL_ADDRESS: provided('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `tq-${suffix}`,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PUBLIC_BASE_URL: 'http://audit.test',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_LOOPBACK_ONLY: 'true',
    // Tests call far faster than any client may; the rate-limit tests turn the limits back on.
    RATE_LIMIT_ENABLED: 'false',
    // Every env signs with a key of its own, also those that turn WEBHOOK_ALLOW_PRIVATE off.
    AUDIT_SIGNING_KEY: generateSigningKeyValue(),
    ...env,
  });
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB);
  const temporal = createTemporal(config);
  const deps: ApiDeps = {
    config,
    store,
    temporal,
    clock: () => new Date(),
    log: options.log ?? silentLogger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  const callerFor = async (token: string) =>
    createCaller(createContext(deps, await authenticate(store, config.ADMIN_TOKEN, `Bearer ${token}`)));
  const admin = createCaller(createContext(deps, { kind: 'admin' }));
  const servers: Server[] = [];
  const workers: RunningWorker[] = [];

  return {
    deps,
    admin,
    callerFor,
    async tenant(plan, scopes = ALL_SCOPES, organizationId) {
      const orgId = organizationId ?? (await admin.admin.organizations.create({ name: `org ${suffix}` })).id;
      const { id: workspaceId } = await admin.admin.workspaces.create({
        organizationId: orgId,
        name: `ws ${plan}`,
        plan,
      });
      const { id: keyId, key } = await admin.admin.apiKeys.create({ workspaceId, scopes });
      return { organizationId: orgId, workspaceId, keyId, key, caller: await callerFor(key) };
    },
    async http() {
      const server = createServer(createApp(deps));
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
    },
    async startWorker(overrides = {}) {
      installQuietRuntime();
      const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
      const worker = await createAuditWorker({
        config,
        store,
        connection,
        workflowBundle: { codePath: provided('workflowBundlePath') },
        ...(options.log ? { log: options.log } : {}),
        ...overrides,
      });
      const running = worker.run();
      const handle: RunningWorker = {
        worker,
        connection,
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running.catch(() => {});
          await connection.close().catch(() => {});
        },
      };
      workers.push(handle);
      return handle;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      for (const s of servers) s.closeAllConnections();
      await store.streamHeads.flush();
      await mongo.db.dropDatabase().catch(() => {});
      await mongo.close();
      await temporal.connection.close().catch(() => {});
    },
  };
}

/** A tRPC call over plain HTTP, as any client without the tRPC library would make it. */
export async function trpcHttp(
  url: string,
  path: string,
  input: unknown,
  opts: { token?: string; method?: 'GET' | 'POST' } = {},
): Promise<{ status: number; body: any }> {
  const method = opts.method ?? 'POST';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const target =
    method === 'GET' ? `${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` : `${url}/trpc/${path}`;
  const res = await fetch(target, { method, headers, body: method === 'POST' ? JSON.stringify(input) : undefined });
  return { status: res.status, body: await res.json() };
}
