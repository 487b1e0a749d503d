import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRouter, createApp, createCallerFactory, createContext, silentLogger, type ApiDeps } from '@audit/api';
import { ensureTools, freePort, startFerretDb, type RunningServer } from '@audit/local-servers';
import { newId, parseConfig, searchTokens, type Category } from '@audit/shared';
import { openStore, type EventDoc, type Store } from '@audit/store';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/** A FerretDB of its own, an organization with two Enterprise workspaces, and N seeded events. */
export interface BenchEnv {
  deps: ApiDeps;
  store: Store;
  organizationId: string;
  workspaceIds: [string, string];
  orgCaller: Caller;
  wsCaller: Caller;
  createApp: () => ReturnType<typeof createApp>;
  close(): Promise<void>;
}

const WORDS = [
  'deploy',
  'rollback',
  'drift',
  'plan',
  'apply',
  'import',
  'refresh',
  'vpc',
  'cluster',
  'bucket',
  'queue',
  'gateway',
];
const SHAPES: [Category, string][] = [
  ['lock', 'created'],
  ['lock', 'deleted'],
  ['workflow', 'dispatched'],
  ['workflow', 'completed'],
  ['schedule', 'updated'],
  ['auth', 'oidc_token_exchange_success'],
  ['permission', 'assigned'],
];

export function syntheticEvent(
  i: number,
  workspaceId: string,
  organizationId: string,
  at: Date,
  metadataBytes = 120,
): EventDoc {
  const [category, action] = SHAPES[i % SHAPES.length]!;
  const e = {
    category,
    action,
    actor: { type: 'user', id: `usr_${i % 500}`, name: `Engineer ${i % 500}`, email: `eng${i % 500}@example.com` },
    target: { type: 'stack', id: `stk_${i % 2000}`, name: `${WORDS[i % WORDS.length]} stack ${i % 2000}` },
    description: `${WORDS[(i * 7) % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]} run ${i}`,
  };
  const id = newId('event', at.getTime());
  return {
    _id: id,
    workspaceId,
    organizationId,
    seq: i + 1,
    ...e,
    metadata: { run: i, note: 'x'.repeat(metadataBytes) },
    occurredAt: at,
    recordedAt: at,
    context: {},
    idempotencyKey: null,
    idem: `auto:${id}`,
    tokens: searchTokens(e),
  };
}

export async function openBench(log: (line: string) => void): Promise<BenchEnv> {
  const tools = await ensureTools(log);
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-bench-'));
  const ferret: RunningServer = await startFerretDb(tools, { dataDir, port: await freePort() });
  const config = parseConfig({
    MONGODB_URI: ferret.address,
    MONGODB_DB: 'bench',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
  });
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB);
  const deps: ApiDeps = { config, store, temporal: null, clock: () => new Date(), log: silentLogger };
  const now = new Date();
  const organizationId = newId('organization');
  await store.organizations.insert({ _id: organizationId, name: 'Bench org', createdAt: now });
  const workspaceIds: [string, string] = [newId('workspace'), newId('workspace')];
  for (const [i, id] of workspaceIds.entries()) {
    await store.workspaces.insert({
      _id: id,
      organizationId,
      name: i === 0 ? 'Production' : 'Staging',
      plan: 'enterprise',
      eventSeq: 0,
      createdAt: now,
      updatedAt: now,
    });
  }
  const key = (workspaceId: string | null) => ({
    kind: 'key' as const,
    keyId: 'key_bench',
    organizationId,
    workspaceId,
    scopes: ['events:read' as const],
  });
  return {
    deps,
    store,
    organizationId,
    workspaceIds,
    orgCaller: createCaller(createContext(deps, key(null))),
    wsCaller: createCaller(createContext(deps, key(workspaceIds[0]))),
    createApp: () => createApp(deps),
    async close() {
      await mongo.close();
      await ferret.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Inserts events `from` .. `count - 1` spread over the past year (so a collection can grow in
 * steps and keep its time order), `share` of them in the second workspace.
 */
export async function seed(
  b: BenchEnv,
  count: number,
  opts: { from?: number; share?: number; metadataBytes?: number; log?: (l: string) => void } = {},
): Promise<void> {
  const span = 365 * 24 * 3600 * 1000;
  const start = Date.now() - span;
  const batch = 5000;
  let done = 0;
  for (let from = opts.from ?? 0; from < count; from += batch) {
    const docs = Array.from({ length: Math.min(batch, count - from) }, (_, k) => {
      const i = from + k;
      const ws = (i * 7919) % 100 < (opts.share ?? 0.2) * 100 ? b.workspaceIds[1] : b.workspaceIds[0];
      return syntheticEvent(
        i,
        ws,
        b.organizationId,
        new Date(start + Math.floor((i / count) * span)),
        opts.metadataBytes,
      );
    });
    await b.store.events.col.insertMany(docs, { ordered: false });
    done += docs.length;
    if (opts.log && (done / batch) % 20 === 0) opts.log(`  seeded ${from + docs.length}`);
  }
}
