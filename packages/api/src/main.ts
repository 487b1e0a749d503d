import { createLogger, createMetricsRegistry } from '@audit/observability';
import { ConfigError, parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { createApp } from './app.ts';
import type { ApiDeps } from './deps.ts';
import { createApiMetrics } from './observability/api-metrics.ts';
import { createTemporal } from './temporal-client.ts';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const log = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, service: 'api' });
  const onHeadWriteError = (err: unknown) => log.warn({ error: String(err) }, 'a stream head write failed');
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB, undefined, { onHeadWriteError });
  const temporal = createTemporal(config);
  const metrics = createApiMetrics(createMetricsRegistry());
  const deps: ApiDeps = { config, store, temporal, clock: () => new Date(), log, metrics };
  const server = createApp(deps).listen(config.PORT, () => {
    log.info({ url: config.PUBLIC_BASE_URL, port: config.PORT }, 'api listening');
  });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'api stopping');
    server.close(async () => {
      await temporal.connection.close().catch(() => {});
      await store.streamHeads.flush();
      await mongo.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  // Before the logger exists (a bad configuration) there is only stderr; the message names the variable.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
