import { ConfigError, parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { createApp } from './app.ts';
import { jsonLogger, type ApiDeps } from './deps.ts';
import { createTemporal } from './temporal-client.ts';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB);
  const temporal = createTemporal(config);
  const deps: ApiDeps = { config, store, temporal, clock: () => new Date(), log: jsonLogger };
  const server = createApp(deps).listen(config.PORT, () => {
    jsonLogger.info('api listening', { url: config.PUBLIC_BASE_URL, port: config.PORT });
  });
  const shutdown = (signal: string) => {
    jsonLogger.info('api stopping', { signal });
    server.close(async () => {
      await temporal.connection.close().catch(() => {});
      await mongo.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
