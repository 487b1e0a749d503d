import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { StreamActivities } from './stream-activities.ts';
import type { StepResult, StreamInput, TestDeliveryResult } from './stream-types.ts';

/**
 * Activity retries cover only infrastructure failures (database unreachable, worker lost): a
 * receiver's answer is a return value, never a thrown error. They go on without a cap because
 * a stream may be late but must not drop a batch. The heartbeat timeout is what notices a
 * worker killed mid-batch.
 */
const acts = proxyActivities<StreamActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const once = proxyActivities<StreamActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** New events in the workspace (debounced by the recorder). */
export const wakeSignal = defineSignal('wake');
/** Try the waiting batch now rather than at its scheduled time (e.g. after a successful test). */
export const retryNowSignal = defineSignal('retryNow');
export interface StreamQueryState {
  last: StepResult | null;
  steps: number;
  delivered: number;
  waitingFor: StepResult['next'] | null;
}
export const stateQuery = defineQuery<StreamQueryState>('state');

/** Continue as new well before Temporal's history limits; the position is in the database. */
const HISTORY_LIMIT = 4_000;
/** An idle stream looks again this often even unwoken: a last guard behind signals and the supervisor. */
const IDLE_RECHECK = '10 minutes';

/**
 * One destination's stream (or one replay): steps until the destination is disabled or deleted
 * (a replay: until its range is sent). Each step is one activity that sends at most one batch;
 * between steps the workflow lingers, waits out a retry on a durable timer, or sleeps until woken.
 */
export async function destinationStream(input: StreamInput): Promise<{ ended: StepResult['state'] }> {
  let woken = false;
  let retryNow = false;
  const state: StreamQueryState = { last: null, steps: 0, delivered: 0, waitingFor: null };
  setHandler(wakeSignal, () => void (woken = true));
  setHandler(retryNowSignal, () => void ((retryNow = true), (woken = true)));
  setHandler(stateQuery, () => state);
  for (;;) {
    woken = false;
    const force = retryNow;
    retryNow = false;
    const r = await acts.streamStep({ ...input, force });
    state.last = r;
    state.steps++;
    state.delivered += r.sent;
    state.waitingFor = r.next;
    if (r.next === 'stop') return { ended: r.state };
    if (r.next === 'retry') await condition(() => retryNow, r.delayMs);
    else if (r.next === 'wait') await sleep(r.delayMs);
    else if (r.next === 'idle') await condition(() => woken, IDLE_RECHECK);
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT)
      await continueAsNew<typeof destinationStream>(input);
  }
}

/**
 * Batches sent again by hand (`redeliver`, `recover`), one after the other so the destination
 * sees one request at a time from it, each on the retry schedule with durable timers.
 */
export async function manualRedelivery(input: {
  workspaceId: string;
  deliveryIds: string[];
}): Promise<{ succeeded: number; failed: number }> {
  const out = { succeeded: 0, failed: 0 };
  for (const deliveryId of input.deliveryIds) {
    for (let index = 0; ; index++) {
      const r = await acts.redeliverStep({ workspaceId: input.workspaceId, deliveryId, index });
      if (r.nextDelayMs === null) {
        if (r.status === 'succeeded') out.succeeded++;
        else out.failed++;
        break;
      }
      await sleep(r.nextDelayMs);
    }
  }
  return out;
}

/** `webhooks.test`: one attempt, its outcome returned to the caller. */
export async function webhookTest(input: { workspaceId: string; webhookId: string }): Promise<TestDeliveryResult> {
  return once.sendTestDelivery(input);
}
