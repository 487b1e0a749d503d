import { WorkflowClient } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from '@audit/observability';
import type { Config } from '@audit/shared';
import type { Store } from '@audit/store';
import {
  createActivities,
  deliverySettingsFrom,
  signingKeyFrom,
  StreamWaker,
  supervisorSettingsFrom,
  WORKFLOWS_PATH,
  type Resolver,
  type RetentionPacing,
} from '@audit/workflows';
import type { WorkerMetrics } from './observability/worker-metrics.ts';

export interface WorkerDeps {
  config: Config;
  store: Store;
  connection: NativeConnection;
  clock?: () => Date;
  /** The process logger; the activities log attempts and purges through it. Silent when left out. */
  log?: Logger;
  /** Attempts, stream lag and purges are counted here; nothing is when left out. */
  metrics?: WorkerMetrics;
  /** Tests pass code bundled once per run; the service bundles from source at start. */
  workflowBundle?: { codePath: string };
  retentionPacing?: Partial<RetentionPacing>;
  /** Tests play a DNS resolver here (e.g. one that rebinds to a private address). */
  webhookResolver?: Resolver;
  /** Interceptors and tuning, e.g. fault injection in the drills. */
  workerOptions?: Partial<
    Pick<WorkerOptions, 'interceptors' | 'maxConcurrentActivityTaskExecutions' | 'shutdownGraceTime'>
  >;
}

export async function createAuditWorker(deps: WorkerDeps): Promise<Worker> {
  const clock = deps.clock ?? (() => new Date());
  // The supervisor and the delivery's own audit events start and wake streams through this worker's connection.
  const client = new WorkflowClient({ connection: deps.connection, namespace: deps.config.TEMPORAL_NAMESPACE });
  const activities = createActivities({
    store: deps.store,
    clock,
    waker: new StreamWaker({ store: deps.store, client, taskQueue: deps.config.TEMPORAL_TASK_QUEUE, log: deps.log }),
    delivery: deliverySettingsFrom(deps.config, deps.webhookResolver),
    supervisor: supervisorSettingsFrom(deps.config),
    observer: deps.metrics,
    log: deps.log,
    signingKey: signingKeyFrom(deps.config),
    retentionPacing: {
      batchSize: deps.config.RETENTION_BATCH_SIZE,
      pauseMs: deps.config.RETENTION_BATCH_PAUSE_MS,
      batchesPerSlice: 50,
      ...deps.retentionPacing,
    },
  });
  const code: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = deps.workflowBundle
    ? { workflowBundle: deps.workflowBundle }
    : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    activities,
    ...code,
    ...deps.workerOptions,
  });
}
