/**
 * The purge benchmark's worker process: the product's worker (every workflow and activity,
 * configured by environment as `npm start` configures it) without the Schedules the service sets
 * up at start, so no checkpoint sealing or stream supervision runs over the seeded workspaces
 * during a measurement. Prints `worker running` once it polls.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { createAuditWorker } from '@audit/worker';

const config = parseConfig(process.env);
Runtime.install({ logger: new DefaultLogger('WARN') });
const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createAuditWorker({ config, store, connection });
process.once('SIGTERM', () => worker.shutdown());
const running = worker.run();
console.log('worker running');
await running;
await connection.close();
await mongo.close();
