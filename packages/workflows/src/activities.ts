import type { Store } from '@audit/store';
import { createDeliveryActivities, type DeliverySettings } from './delivery/delivery-activities.ts';
import type { Dispatcher } from './delivery/dispatcher.ts';
import { createRetentionActivities, type RetentionPacing } from './retention/retention-activities.ts';

export interface ActivityDeps {
  store: Store;
  clock: () => Date;
  retentionPacing: RetentionPacing;
  dispatcher: Dispatcher;
  delivery: DeliverySettings;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRetentionActivities({ store: deps.store, clock: deps.clock, pacing: deps.retentionPacing }),
    ...createDeliveryActivities({ store: deps.store, clock: deps.clock, dispatcher: deps.dispatcher, settings: deps.delivery }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
