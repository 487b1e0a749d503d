import type { Db } from 'mongodb';
import { ApiKeysStore } from './api-keys-store.ts';
import { EventsStore } from './events-store.ts';
import { RetentionRunsStore } from './retention-runs-store.ts';
import { OrganizationsStore, WorkspacesStore } from './tenants-store.ts';

export * from './api-keys-store.ts';
export * from './documents.ts';
export * from './events-store.ts';
export * from './indexes.ts';
export * from './mongo.ts';
export * from './retention-runs-store.ts';
export * from './tenants-store.ts';

export interface Store {
  db: Db;
  events: EventsStore;
  organizations: OrganizationsStore;
  workspaces: WorkspacesStore;
  apiKeys: ApiKeysStore;
  retentionRuns: RetentionRunsStore;
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
    async purgeDependents(workspaceId, eventIds) {
      if (eventIds.length === 0) return;
      for (const name of EVENT_DEPENDENT_COLLECTIONS) {
        await db.collection(name).deleteMany({ workspaceId, eventId: { $in: eventIds } });
      }
    },
  };
}
export * from './open-store.ts';
