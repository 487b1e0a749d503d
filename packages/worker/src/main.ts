import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { ConfigError, parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { createAuditWorker } from './create-worker.ts';
import { ensureSchedule, supervisorScheduleDefinition, retentionScheduleDefinition } from './schedules.ts';

const log = (msg: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ level: 'info', msg, ...fields, time: new Date().toISOString() }));

/** Temporal may come up after us (or restart under us): keep trying rather than crash-looping. */
async function connectWithRetry(address: string): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({ address });
    } catch (err) {
      if (attempt % 10 === 1) log('waiting for Temporal', { address, error: String(err) });
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
    }
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  // The SDK's INFO lines (bundle statistics, state changes) drown the service's own log.
  Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB);
  const connection = await connectWithRetry(config.TEMPORAL_ADDRESS);
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const outcome = await ensureSchedule(client, retentionScheduleDefinition(config.TEMPORAL_TASK_QUEUE));
  log('retention schedule ready', { outcome });
  const supervisor = await ensureSchedule(client, supervisorScheduleDefinition(config.TEMPORAL_TASK_QUEUE));
  log('stream supervisor schedule ready', { outcome: supervisor });
  // The per-event delivery of earlier versions had a reconciler Schedule; the supervisor replaces it.
  await client.schedule.getHandle('audit-dispatch-reconciler').delete().catch(() => {});
  const worker = await createAuditWorker({ config, store, connection });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log('worker running', { taskQueue: config.TEMPORAL_TASK_QUEUE });
  await worker.run();
  await clientConnection.close();
  await connection.close();
  await mongo.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
