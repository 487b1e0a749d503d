/**
 * `npm run seed`: fills a running service with a large, realistic history through its public API
 * (the TypeScript client's recordBatch, several requests in flight), to try the viewer at scale.
 *   npm run seed [-- --events 1000000] [--others 1000000 --other-workspaces 10]
 *                [--batch 500] [--lanes 4] [--api http://localhost:3000] [--key atk_…]
 * The events go to the workspace of --key (default: $AUDIT_API_KEY, else the demo workspace's key
 * that `npm start` keeps in .data/demo-key). --others spreads more events over new workspaces of
 * the same organization, created with the admin token ($ADMIN_TOKEN, else .data/admin-token).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAuditLogClient, type AuditLogClient } from '@audit/client';
import { DATA_DIR } from '@audit/local-servers';
import { LIMITS } from '@audit/shared';
import { historyEvent } from '../bench/large-history/history-events.ts';

const OPTIONS = {
  events: { type: 'string', default: '1000000' },
  others: { type: 'string', default: '0' },
  'other-workspaces': { type: 'string', default: '10' },
  batch: { type: 'string', default: String(LIMITS.batchSize) },
  lanes: { type: 'string', default: '4' },
  api: { type: 'string', default: `http://localhost:${process.env.PORT ?? 3000}` },
  key: { type: 'string' },
} as const;
type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function whole(flags: Flags, name: keyof Flags, min: number, max: number): number {
  const n = Number(String(flags[name]).replaceAll('_', '').replaceAll(',', ''));
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  throw new Error(`--${name}: must be a whole number from ${fmt(min)} to ${fmt(max)} (got "${flags[name]}")`);
}

/** A value from the environment, else from the file `npm start` keeps it in, else an error saying how to give it. */
async function local(env: string | undefined, file: string, what: string): Promise<string> {
  if (env) return env.trim();
  const path = join(DATA_DIR, file);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  throw new Error(`no ${what}: ${path} does not exist (run \`npm start\` in local mode first)`);
}

interface Plan {
  url: string;
  key: string;
  events: number;
  others: number;
  otherWorkspaces: number;
  batch: number;
  lanes: number;
  run: string;
}

async function readPlan(): Promise<Plan> {
  let flags: Flags;
  try {
    flags = parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    throw new Error(
      `${(err as Error).message} (options: ${Object.keys(OPTIONS)
        .map((o) => `--${o}`)
        .join(', ')})`,
    );
  }
  const url = String(flags.api).replace(/\/+$/, '');
  const up = await fetch(`${url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) throw new Error(`nothing answers at ${url}/healthz (start the service with npm start, or pass --api)`);
  return {
    url,
    key: flags.key ?? (await local(process.env.AUDIT_API_KEY, 'demo-key', 'API key (pass --key or set AUDIT_API_KEY)')),
    events: whole(flags, 'events', 1, 100_000_000),
    others: whole(flags, 'others', 0, 100_000_000),
    otherWorkspaces: whole(flags, 'other-workspaces', 1, 1_000),
    batch: whole(flags, 'batch', 1, LIMITS.batchSize),
    lanes: whole(flags, 'lanes', 1, 64),
    run: randomBytes(4).toString('hex'),
  };
}

/**
 * The API's answers that the client waits out and sends again, counted for the progress line: a
 * 429 after its Retry-After (a bulk load meets the per-second limits by waiting, so a call may
 * wait for up to ten minutes in all), a 503 or a dropped connection up to eight times.
 */
const answers = { rateLimited: 0, unavailable: 0 };
const counting: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.status === 429) answers.rateLimited++;
  if (res.status === 503) answers.unavailable++;
  return res;
};
const clientFor = (p: Plan, apiKey: string) =>
  createAuditLogClient({ url: p.url, apiKey, fetch: counting, retry: { retries: 8, rateLimitWaitMs: 600_000 } });

interface Target {
  client: AuditLogClient;
  count: number;
  /** Which generated history this workspace gets. */
  seed: number;
}

/** The other workspaces, in the organization of the key's workspace, each with a key of its own. */
async function createOthers(p: Plan, organizationId: string, firstSeed: number) {
  const token = await local(process.env.ADMIN_TOKEN, 'admin-token', 'admin token (set ADMIN_TOKEN) for --others');
  const admin = clientFor(p, token).trpc.admin;
  const targets: Target[] = [];
  for (let k = 0; k < p.otherWorkspaces; k++) {
    const name = `seed-${p.run}-${k + 1}`;
    const ws = await admin.workspaces.create.mutate({ organizationId, name, plan: 'enterprise' });
    const { key } = await admin.apiKeys.create.mutate({ workspaceId: ws.id, scopes: ['events:write', 'events:read'] });
    const count = Math.floor(p.others / p.otherWorkspaces) + (k < p.others % p.otherWorkspaces ? 1 : 0);
    if (count > 0) targets.push({ client: clientFor(p, key), count, seed: firstSeed + k + 1 });
  }
  const { key: orgKey } = await admin.apiKeys.create.mutate({ organizationId, scopes: ['events:read'] });
  return { targets, orgKey };
}

/** Runs `worker` over items 0 … total - 1 on `concurrency` lanes. */
async function inLanes(concurrency: number, total: number, worker: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await worker(i);
    }),
  );
}

async function main(): Promise<void> {
  const p = await readPlan();
  const own: Target = { client: clientFor(p, p.key), count: p.events, seed: parseInt(p.run, 16) };
  // Keyed, so a batch sent again after a dropped connection stores nothing twice.
  const event = (t: Target, i: number) => ({
    ...historyEvent(i, t.seed),
    idempotencyKey: `seed-${p.run}-${t.seed}-${i}`,
  });
  const batchOf = (t: Target, from: number) =>
    Array.from({ length: Math.min(p.batch, t.count - from) }, (_, j) => event(t, from + j));

  // The first batch says which workspace and organization the key writes to.
  const started = performance.now();
  const [first] = await own.client.recordBatch(batchOf(own, 0));
  const { workspaceId, organizationId } = first!;
  const spread = p.others === 0 ? '' : ` and ${fmt(p.others)} over ${p.otherWorkspaces} new ones of ${organizationId}`;
  console.log(
    `seeding ${fmt(p.events)} events into workspace ${workspaceId}${spread}, through ${p.url} ` +
      `(batches of ${p.batch}, ${p.lanes} lanes)`,
  );
  const others = p.others > 0 ? await createOthers(p, organizationId, own.seed) : { targets: [], orgKey: null };

  // Every workspace's batches in step with the others', as a busy organization records them.
  const batchesOf = (t: Target) => {
    const n = Math.ceil(t.count / p.batch);
    return Array.from({ length: n }, (_, k) => ({ t, from: k * p.batch, at: k / n }));
  };
  const tasks = [own, ...others.targets].flatMap(batchesOf).filter((b) => b.t !== own || b.from > 0);
  tasks.sort((a, b) => a.at - b.at);
  const total = p.events + p.others;
  let done = Math.min(p.batch, p.events);
  const progress = () => {
    const s = (performance.now() - started) / 1000;
    const { rateLimited, unavailable } = answers;
    const waited = `${fmt(rateLimited)} 429s, ${fmt(unavailable)} 503s waited out`;
    const waits = rateLimited + unavailable === 0 ? '' : ` (${waited})`;
    console.log(`  ${fmt(done)} of ${fmt(total)} events, ${fmt(s)} s, ${fmt(done / s)} events/s${waits}`);
  };
  const timer = setInterval(progress, 5_000);
  try {
    await inLanes(p.lanes, tasks.length, async (i) => {
      const { t, from } = tasks[i]!;
      const recorded = await t.client.recordBatch(batchOf(t, from));
      done += recorded.length;
    });
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  progress();
  console.log(`done: ${fmt(done)} events in ${seconds.toFixed(1)} s, ${fmt(done / seconds)} events/s`);
  if (others.orgKey) console.log(`organization key (events:read, all of ${organizationId}): ${others.orgKey}`);
}

main().catch((err: Error) => {
  console.error(`seed: ${err.message}`);
  process.exit(1);
});
