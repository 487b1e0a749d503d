import type { Db } from 'mongodb';
import { ApiKeysStore } from './api-keys-store.ts';
import { DeliveriesStore } from './deliveries-store.ts';
import { EventsStore } from './events-store.ts';
import { CheckpointsStore } from './integrity/checkpoints-store.ts';
import { PurgeRecordsStore } from './integrity/purge-records-store.ts';
import { SigningKeysStore } from './integrity/signing-keys-store.ts';
import { RateLimitStore } from './rate-limit-store.ts';
import { RetentionRunsStore } from './retention-runs-store.ts';
import { StreamHeadsStore } from './stream/stream-heads-store.ts';
import { StreamLogStore } from './stream/stream-log-store.ts';
import { StreamsStore } from './stream/streams-store.ts';
import { SupervisorStateStore } from './stream/supervisor-state-store.ts';
import { OrganizationsStore, WorkspacesStore } from './tenants-store.ts';
import { WebhooksStore } from './webhooks-store.ts';

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
  /** Where each workspace's stream log ends (also `streamLog.heads`). */
  streamHeads: StreamHeadsStore;
  streams: StreamsStore;
  supervisor: SupervisorStateStore;
  rateLimits: RateLimitStore;
  checkpoints: CheckpointsStore;
  purgeRecords: PurgeRecordsStore;
  signingKeys: SigningKeysStore;
}

export interface StoreOptions {
  /** A head write that failed after its caller was answered (it only makes a hint older). */
  onHeadWriteError?: (err: unknown) => void;
}

/** Every collection's store over one database; events share the stream log, which they append to. */
export function createStore(db: Db, options: StoreOptions = {}): Store {
  const streamHeads = new StreamHeadsStore(db, options.onHeadWriteError);
  const streamLog = new StreamLogStore(db, streamHeads);
  const workspaces = new WorkspacesStore(db);
  return {
    db,
    events: new EventsStore(db, streamLog),
    organizations: new OrganizationsStore(db),
    workspaces,
    apiKeys: new ApiKeysStore(db),
    retentionRuns: new RetentionRunsStore(db),
    webhooks: new WebhooksStore(db, workspaces),
    deliveries: new DeliveriesStore(db),
    streamLog,
    streamHeads,
    streams: new StreamsStore(db),
    supervisor: new SupervisorStateStore(db),
    rateLimits: new RateLimitStore(db),
    checkpoints: new CheckpointsStore(db),
    purgeRecords: new PurgeRecordsStore(db),
    signingKeys: new SigningKeysStore(db),
  };
}
