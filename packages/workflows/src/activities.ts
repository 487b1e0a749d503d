import type { Store } from '@audit/store';
import type { DeliverySettings } from './delivery/delivery-settings.ts';
import { createStreamActivities } from './delivery/stream-activities.ts';
import type { StreamWaker } from './delivery/stream-waker.ts';
import { createRetentionActivities, type RetentionPacing } from './retention/retention-activities.ts';

export interface ActivityDeps {
  store: Store;
  clock: () => Date;
  retentionPacing: RetentionPacing;
  waker: StreamWaker;
  delivery: DeliverySettings;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRetentionActivities({ store: deps.store, clock: deps.clock, pacing: deps.retentionPacing }),
    ...createStreamActivities({ store: deps.store, clock: deps.clock, waker: deps.waker, settings: deps.delivery }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
