import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { SupervisorActivities } from './supervisor-activities.ts';
import type { ReconcileReport, SupervisorReport } from './supervisor-types.ts';

const acts = proxyActivities<SupervisorActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
});

/** Pages per run of the walk before it continues as new with its cursor: keeps each history short. */
export const PAGES_PER_RUN = 100;

/** Started by the supervisor Schedule every 30 s: one incremental pass. */
export async function streamSupervisor(): Promise<SupervisorReport> {
  return acts.superviseStreams();
}

export interface ReconcileInput {
  afterId: string | null;
  /** What the earlier runs of this walk did. */
  done: ReconcileReport;
}

/** Started by the reconciliation Schedule every hour: every enabled destination, page by page. */
export async function streamReconciliation(input?: ReconcileInput): Promise<ReconcileReport> {
  const total: ReconcileReport = { ...(input?.done ?? { destinations: 0, ensured: 0, woken: 0, failed: 0, pages: 0 }) };
  let afterId = input?.afterId ?? null;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const r = await acts.reconcileStreams({ afterId });
    total.pages++;
    total.destinations += r.destinations;
    total.ensured += r.ensured;
    total.woken += r.woken;
    total.failed += r.failed;
    if (r.nextAfterId === null) return total;
    afterId = r.nextAfterId;
  }
  return continueAsNew<typeof streamReconciliation>({ afterId, done: total });
}
