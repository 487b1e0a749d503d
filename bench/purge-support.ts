import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { spawnLogged, type ManagedProcess } from '@audit/local-servers';
import { newId, type Plan } from '@audit/shared';
import { generateSigningKeyValue } from '@audit/shared/integrity/signing';
import type { RetentionRunDoc, Store, WorkspaceDoc } from '@audit/store';
import type { Bench } from './harness.ts';

/** Retention settings the worker runs with: the bench's flags, else the environment, else the worker's defaults. */
export interface Pacing {
  batchSize: string | undefined;
  pauseMs: string | undefined;
}

export function describePacing(p: Pacing): string {
  const size = p.batchSize ?? 'the worker default';
  return `RETENTION_BATCH_SIZE=${size} RETENTION_BATCH_PAUSE_MS=${p.pauseMs ?? 'the worker default'}`;
}

/** The product's worker as its own process (purge-worker.ts) on one database and task queue. */
export async function startPurgeWorker(b: Bench, db: string, queue: string, pacing: Pacing): Promise<ManagedProcess> {
  const logFile = join(b.dir, `worker-${db}.log`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: b.ferret.address,
    MONGODB_DB: db,
    TEMPORAL_ADDRESS: b.temporal!.address,
    TEMPORAL_TASK_QUEUE: queue,
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    AUDIT_SIGNING_KEY: generateSigningKeyValue(),
    LOG_LEVEL: 'warn',
    ...(pacing.batchSize ? { RETENTION_BATCH_SIZE: pacing.batchSize } : {}),
    ...(pacing.pauseMs ? { RETENTION_BATCH_PAUSE_MS: pacing.pauseMs } : {}),
  };
  const entry = fileURLToPath(new URL('./purge-worker.ts', import.meta.url));
  const proc = spawnLogged('purge-worker', process.execPath, ['--import', 'tsx', entry], logFile, env);
  const log = () => readFile(logFile, 'utf8').catch(() => '');
  for (let t = 0; !(await log()).includes('worker running'); t++) {
    const failed = t > 1_200 || proc.child.exitCode !== null;
    if (failed) throw new Error(`the worker did not start:\n${(await log()).slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}

/** One purge as `admin.retention.runNow` starts it (same workflow, same lock id); its report once it completes. */
export interface PurgeRun {
  ms: number;
  report: RetentionRunDoc;
  /** Activity calls of the whole run. */
  calls: number;
}

export async function runPurge(client: Client, store: Store, taskQueue: string): Promise<PurgeRun> {
  const runId = newId('retentionRun');
  const started = performance.now();
  const handle = await client.workflow.start('retentionPurge', {
    workflowId: `retention:purge:${taskQueue}`,
    taskQueue,
    args: [{ runId, asOf: new Date().toISOString(), trigger: 'manual' }],
  });
  await handle.result();
  const ms = performance.now() - started;
  const report = await store.retentionRuns.findById(runId);
  if (report?.status !== 'completed') throw new Error(`the purge ended ${report?.status}: ${report?.error}`);
  return { ms, report, calls: await activityCalls(client, handle.workflowId, handle.firstExecutionRunId) };
}

/** Activity calls over every run of a workflow, following its continue-as-new chain from the first run. */
export async function activityCalls(client: Client, workflowId: string, firstRunId: string): Promise<number> {
  let calls = 0;
  for (let runId: string | null | undefined = firstRunId; runId;) {
    type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    calls += events.filter((e) => e.activityTaskScheduledEventAttributes).length;
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return calls;
}

/** A workspace stored directly, as `admin.workspaces.create` stores it. */
export async function storeWorkspace(store: Store, organizationId: string, plan: Plan, name: string) {
  const now = new Date();
  const ws: WorkspaceDoc = {
    _id: newId('workspace'),
    organizationId,
    name,
    plan,
    eventSeq: 0,
    createdAt: now,
    updatedAt: now,
  };
  await store.workspaces.insert(ws);
  return ws;
}

/** One `events.list` call per this many ms (or right after a slower one): a reader, not a load generator. */
export const LIST_EVERY_MS = 500;

/**
 * `events.list`'s first page (limit 50) through the store, one call every LIST_EVERY_MS, until
 * `done()` or `maxMs`; latencies in ms, sorted.
 */
export async function listLatencies(store: Store, workspaceId: string, done: () => boolean, maxMs = Infinity) {
  const times: number[] = [];
  const deadline = performance.now() + maxMs;
  // At least one call, so a purge shorter than one page still has a figure.
  do {
    const started = performance.now();
    await store.events.listForWorkspaces([workspaceId], { limit: 50 });
    const ms = performance.now() - started;
    times.push(ms);
    const rest = started + LIST_EVERY_MS - performance.now();
    if (rest > 0 && !done()) await new Promise((r) => setTimeout(r, rest));
  } while (!done() && performance.now() < deadline);
  return times.sort((x, y) => x - y);
}
