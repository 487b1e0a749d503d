import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createLogger, createMetricsRegistry, type Logger } from '@audit/observability';
import { ConfigError, parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { signingKeyFrom } from '@audit/workflows';
import { createAuditWorker } from './create-worker.ts';
import { workerReadiness } from './observability/readiness.ts';
import { temporalLogger } from './observability/temporal-log.ts';
import { startWorkerHttp } from './observability/worker-http.ts';
import { createWorkerMetrics } from './observability/worker-metrics.ts';
import {
  checkpointScheduleDefinition,
  ensureSchedule,
  reconciliationScheduleDefinition,
  supervisorScheduleDefinition,
  retentionScheduleDefinition,
} from './schedules.ts';

/** Temporal may come up after us (or restart under us): keep trying rather than crash-looping. */
async function connectWithRetry(address: string, log: Logger): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({ address });
    } catch (err) {
      if (attempt % 10 === 1) log.warn({ address, error: String(err) }, 'waiting for Temporal');
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
    }
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  // Checked before anything starts: a worker without a key would seal nothing, silently.
  let signingKey;
  try {
    signingKey = signingKeyFrom(config);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${(err as Error).message}`);
  }
  const log = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, service: 'worker' });
  Runtime.install({ logger: temporalLogger(log) });
  const registry = createMetricsRegistry();
  const metrics = createWorkerMetrics(registry);
  const onHeadWriteError = (err: unknown) => log.warn({ error: String(err) }, 'a stream head write failed');
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB, undefined, { onHeadWriteError });
  // Published from the start (not only at the first sealing pass), so a verifier can pin it at once.
  await store.signingKeys.register(signingKey.keyId, signingKey.publicKey, new Date());
  // Up before Temporal is reached, so /healthz answers and /readyz says what is missing.
  let worker: Worker | null = null;
  let connection: NativeConnection | null = null;
  const http = config.WORKER_METRICS_PORT
    ? await startWorkerHttp({
        port: config.WORKER_METRICS_PORT,
        registry,
        readiness: () => workerReadiness({ worker: () => worker, connection: () => connection, store }),
      })
    : null;
  if (http) log.info({ port: http.port }, 'metrics and probes listening');
  connection = await connectWithRetry(config.TEMPORAL_ADDRESS, log);
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const outcome = await ensureSchedule(client, retentionScheduleDefinition(config.TEMPORAL_TASK_QUEUE));
  log.info({ outcome }, 'retention schedule ready');
  const supervisor = await ensureSchedule(client, supervisorScheduleDefinition(config.TEMPORAL_TASK_QUEUE));
  log.info({ outcome: supervisor }, 'stream supervisor schedule ready');
  const reconciliation = await ensureSchedule(client, reconciliationScheduleDefinition(config.TEMPORAL_TASK_QUEUE));
  log.info({ outcome: reconciliation }, 'stream reconciliation schedule ready');
  const sealing = await ensureSchedule(
    client,
    checkpointScheduleDefinition(config.TEMPORAL_TASK_QUEUE, config.CHECKPOINT_INTERVAL),
  );
  log.info({ outcome: sealing, intervalMs: config.CHECKPOINT_INTERVAL }, 'checkpoint schedule ready');
  // The per-event delivery of earlier versions had a reconciler Schedule; the supervisor replaces it.
  await client.schedule
    .getHandle('audit-dispatch-reconciler')
    .delete()
    .catch(() => {});
  const running = await createAuditWorker({ config, store, connection, log, metrics });
  worker = running;
  const stop = () => running.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  await running.run();
  log.info('worker stopped');
  await http?.close();
  await clientConnection.close();
  await connection.close();
  await store.streamHeads.flush();
  await mongo.close();
}

main().catch((err) => {
  // A bad configuration stops the worker before its logger exists: stderr names the variable.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
