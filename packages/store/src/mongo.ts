import { MongoClient, type Db } from 'mongodb';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string): Promise<Mongo> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 5_000,
    // Also the time the driver's monitor waits for a heartbeat. At 5 s, a server busy with a long
    // scan (FerretDB over a million events) was declared down, and the driver cut every operation
    // in flight. A stopped server still fails fast: its port refuses the connection.
    connectTimeoutMS: 30_000,
    appName: 'audit-log',
    // js-bson looks field names up in this map without an own-property check, so with the
    // driver's default `{}` an array under a metadata key like `valueOf` or `toString` comes
    // back as raw BSON buffers. A map without a prototype has no such names.
    fieldsAsRaw: Object.create(null) as Record<string, never>,
  });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

const UNREACHABLE = /^Mongo(ServerSelection|Network|NetworkTimeout|PoolCleared|TopologyClosed|NotConnected)Error$/;
/** Server codes for a server that is shutting down or restarting: ShutdownInProgress, InterruptedAtShutdown, InterruptedDueToReplStateChange. */
const SHUTTING_DOWN = new Set([91, 11600, 11602]);

/**
 * Errors that mean "the database is not reachable right now": the client should retry. A bulk
 * write wraps the network error that cut it short in `errorResponse`, so the chain is followed.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const e = err as { name?: string; code?: unknown; errorResponse?: unknown; cause?: unknown };
  if (UNREACHABLE.test(e.name ?? '') || (typeof e.code === 'number' && SHUTTING_DOWN.has(e.code))) return true;
  return (
    (e.errorResponse !== err && isDatabaseUnavailable(e.errorResponse, depth + 1)) ||
    isDatabaseUnavailable(e.cause, depth + 1)
  );
}
