import type { Store } from '@audit/store';
import { createRetentionActivities, type RetentionPacing } from './retention/retention-activities.ts';

export interface ActivityDeps {
  store: Store;
  clock: () => Date;
  retentionPacing: RetentionPacing;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRetentionActivities({ store: deps.store, clock: deps.clock, pacing: deps.retentionPacing }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
