import type { Db } from 'mongodb';
import { ApiKeysStore } from './api-keys-store.ts';
import { DeliveriesStore } from './deliveries-store.ts';
import { DispatchOutboxStore } from './dispatch-outbox-store.ts';
import { EventsStore } from './events-store.ts';
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
export * from './dispatch-outbox-store.ts';

export interface Store {
  db: Db;
  events: EventsStore;
  organizations: OrganizationsStore;
  workspaces: WorkspacesStore;
  apiKeys: ApiKeysStore;
  retentionRuns: RetentionRunsStore;
  webhooks: WebhooksStore;
  deliveries: DeliveriesStore;
  dispatchOutbox: DispatchOutboxStore;
  /** Removes what hangs off purged events (delivery records), in the same workspace. */
  purgeDependents(workspaceId: string, eventIds: string[]): Promise<void>;
}

/** Collections whose documents carry `{ workspaceId, eventId }` and go when their event goes. */
export const EVENT_DEPENDENT_COLLECTIONS = ['deliveries', 'delivery_attempts'] as const;

export function createStore(db: Db): Store {
  return {
    db,
    events: new EventsStore(db),
    organizations: new OrganizationsStore(db),
    workspaces: new WorkspacesStore(db),
    apiKeys: new ApiKeysStore(db),
    retentionRuns: new RetentionRunsStore(db),
    webhooks: new WebhooksStore(db),
    deliveries: new DeliveriesStore(db),
    dispatchOutbox: new DispatchOutboxStore(db),
    async purgeDependents(workspaceId, eventIds) {
      if (eventIds.length === 0) return;
      for (const name of EVENT_DEPENDENT_COLLECTIONS) {
        await db.collection(name).deleteMany({ workspaceId, eventId: { $in: eventIds } });
      }
    },
  };
}
export * from './open-store.ts';
