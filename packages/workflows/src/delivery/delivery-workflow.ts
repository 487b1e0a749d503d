import { proxyActivities, sleep } from '@temporalio/workflow';
import type { DeliveryActivities } from './delivery-activities.ts';
import type { DeliverInput, DeliverResult, TestDeliveryResult } from './delivery-types.ts';

/**
 * Activity retries here cover only infrastructure failures (database unreachable, worker lost):
 * a receiver's answer is a return value, never a thrown error. They go on without a cap because
 * a delivery may be late but must not be dropped.
 */
const acts = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const once = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

const reconciler = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
});

/**
 * One event to one destination. Retries are a loop of durable timers rather than an activity
 * retry policy: every attempt becomes its own stored row with the time of the next one, the
 * configured schedule (not a geometric series) is followed exactly, Retry-After simply lengthens
 * one sleep, and a worker restart mid-wait resumes the same timer.
 */
export async function deliverEvent(input: DeliverInput): Promise<DeliverResult> {
  const opened = await acts.openDelivery(input);
  if (!opened.deliveryId) return { deliveryId: null, status: 'skipped', attempts: 0, reason: opened.reason ?? 'nothing to deliver' };
  if (opened.firstDelayMs > 0) await sleep(opened.firstDelayMs);
  for (let index = 0; ; index++) {
    const r = await acts.attemptDelivery({ workspaceId: input.workspaceId, deliveryId: opened.deliveryId, attempt: opened.attemptsSoFar + index + 1, index, trigger: input.trigger });
    if (r.nextDelayMs === null) return { deliveryId: opened.deliveryId, status: r.status === 'succeeded' ? 'succeeded' : 'failed', attempts: index + 1 };
    await sleep(r.nextDelayMs);
  }
}

/** `webhooks.test`: one attempt, its outcome returned to the caller. */
export async function webhookTest(input: { workspaceId: string; webhookId: string }): Promise<TestDeliveryResult> {
  return once.sendTestDelivery(input);
}

/** Started by the reconciler Schedule: dispatches events the outbox still holds. */
export async function dispatchReconciler(): Promise<{ dispatched: number; failed: number; dropped: number }> {
  return reconciler.reconcileDispatch({});
}
