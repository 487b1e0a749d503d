import type { SigningKey } from '@audit/shared/integrity/signing';
import type { Store } from '@audit/store';
import { createCheckpointActivities } from './checkpoints/seal-activities.ts';
import type { DeliverySettings } from './delivery/delivery-settings.ts';
import { quietLog, quietObserver, type ActivityObserver, type LogSink } from './observer.ts';
import { createStreamActivities } from './delivery/stream-activities.ts';
import type { StreamWaker } from './delivery/stream-waker.ts';
import { createSupervisorActivities } from './delivery/supervisor/supervisor-activities.ts';
import type { SupervisorSettings } from './delivery/supervisor/supervisor-settings.ts';
import { createRetentionActivities, type RetentionPacing } from './retention/retention-activities.ts';

export interface ActivityDeps {
  store: Store;
  clock: () => Date;
  retentionPacing: RetentionPacing;
  waker: StreamWaker;
  delivery: DeliverySettings;
  supervisor: SupervisorSettings;
  /** Metrics of attempts, stream positions and purges; none when left out. */
  observer?: ActivityObserver;
  log?: LogSink;
  /** Signs checkpoints and purge records (see checkpoints/signing-key.ts). */
  signingKey: SigningKey;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  const observer = deps.observer ?? quietObserver;
  const log = deps.log ?? quietLog;
  return {
    ...createRetentionActivities({
      store: deps.store,
      clock: deps.clock,
      pacing: deps.retentionPacing,
      observer,
      log,
      key: deps.signingKey,
    }),
    ...createCheckpointActivities({
      store: deps.store,
      clock: deps.clock,
      key: deps.signingKey,
      waker: deps.waker,
      log,
      observer,
    }),
    ...createStreamActivities({
      store: deps.store,
      clock: deps.clock,
      waker: deps.waker,
      settings: deps.delivery,
      observer,
      log,
    }),
    ...createSupervisorActivities({
      store: deps.store,
      clock: deps.clock,
      waker: deps.waker,
      settings: deps.supervisor,
      observer,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
