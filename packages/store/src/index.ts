import type { Db } from 'mongodb';
import { ApiKeysStore } from './api-keys-store.ts';
import { DeliveriesStore } from './deliveries-store.ts';
import { EventsStore } from './events-store.ts';
import { StreamLogStore } from './stream/stream-log-store.ts';
import { StreamsStore } from './stream/streams-store.ts';
import { RetentionRunsStore } from './retention-runs-store.ts';
import { OrganizationsStore, WorkspacesStore } from './tenants-store.ts';
import { WebhooksStore } from './webhooks-store.ts';

export * from './api-keys-store.ts';
export * from './documents.ts';
export * from './events-store.ts';
export * from './indexes.ts';
export * from './mongo.ts';
export * from './retention-runs-store.ts';
export * from './tenants-store.ts';
export * from './webhooks-store.ts';
export * from './deliveries-store.ts';
export * from './stream/stream-log-store.ts';
export * from './stream/streams-store.ts';

export interface Store {
  db: Db;
  events: EventsStore;
  organizations: OrganizationsStore;
  workspaces: WorkspacesStore;
  apiKeys: ApiKeysStore;
  retentionRuns: RetentionRunsStore;
  webhooks: WebhooksStore;
  deliveries: DeliveriesStore;
  streamLog: StreamLogStore;
  streams: StreamsStore;
}

export function createStore(db: Db): Store {
  const streamLog = new StreamLogStore(db);
  return {
    db,
    events: new EventsStore(db, streamLog),
    organizations: new OrganizationsStore(db),
    workspaces: new WorkspacesStore(db),
    apiKeys: new ApiKeysStore(db),
    retentionRuns: new RetentionRunsStore(db),
    webhooks: new WebhooksStore(db),
    deliveries: new DeliveriesStore(db),
    streamLog,
    streams: new StreamsStore(db),
  };
}
export * from './open-store.ts';
