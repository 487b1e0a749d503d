import { Context } from '@temporalio/activity';
import type { Store } from '@audit/store';
import type { DeliveryObserver } from '../../observer.ts';
import type { StreamWaker } from '../stream-waker.ts';
import type { SupervisorDeps } from './supervise-batch.ts';
import { reconcilePage, supervisePass } from './supervise-pass.ts';
import type { SupervisorSettings } from './supervisor-settings.ts';
import type { ReconcilePage, SupervisorReport } from './supervisor-types.ts';

export interface SupervisorActivityDeps {
  store: Store;
  clock: () => Date;
  waker: Pick<StreamWaker, 'ensure'>;
  observer: Pick<DeliveryObserver, 'streamPosition'>;
  settings: SupervisorSettings;
}

export function createSupervisorActivities(deps: SupervisorActivityDeps) {
  const withHeartbeat = (): SupervisorDeps => {
    const ctx = Context.current();
    return { ...deps, beat: (progress) => ctx.heartbeat(progress) };
  };
  return {
    /** Every 30 s: see supervisePass. */
    async superviseStreams(): Promise<SupervisorReport> {
      return supervisePass(withHeartbeat());
    },
    /** One page of the hourly walk: see reconcilePage. */
    async reconcileStreams(input: { afterId: string | null }): Promise<ReconcilePage> {
      return reconcilePage(withHeartbeat(), input.afterId);
    },
  };
}

export type SupervisorActivities = ReturnType<typeof createSupervisorActivities>;
