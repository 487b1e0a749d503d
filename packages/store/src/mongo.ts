import { MongoClient, type Db } from 'mongodb';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string): Promise<Mongo> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
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

/** Errors that mean "the database is not reachable right now": the client should retry. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name ?? '';
  return /^Mongo(ServerSelection|Network|NetworkTimeout|PoolCleared|TopologyClosed|NotConnected)Error$/.test(name);
}
