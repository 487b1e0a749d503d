import { DELIVERY_LIMITS, redactUrl } from '@audit/shared';
import type { Store, WebhookDoc } from '@audit/store';
import { recordDestinationEvent } from './destination-events.ts';
import type { StreamWaker } from './stream-waker.ts';

export interface HealthDeps {
  store: Store;
  clock: () => Date;
  waker: StreamWaker;
}

const DAY_MS = 86_400_000;

/**
 * After a failed attempt: one warning event when a run of failures starts in earnest (a single
 * retried blip is normal and would only be noise in the audit log), and the destination disabled
 * once every attempt has failed for five days.
 */
export async function noteFailure(deps: HealthDeps, hook: WebhookDoc): Promise<void> {
  const now = deps.clock();
  const after = await deps.store.webhooks.recordFailure(hook.workspaceId, hook._id, now);
  if (!after?.failingSince) return;
  const since = after.failingSince;
  if (
    after.consecutiveFailures >= DELIVERY_LIMITS.warnAfterFailures &&
    (await deps.store.webhooks.claimWarning(hook.workspaceId, hook._id, now))
  ) {
    await recordDestinationEvent(deps, hook, {
      idempotencyKey: `webhook-failing:${hook._id}:${since.getTime()}`,
      description: `Webhook deliveries to ${redactUrl(hook.url)} are failing`,
      metadata: {
        change: 'webhook_failing',
        severity: 'warning',
        failingSince: since.toISOString(),
        consecutiveFailures: after.consecutiveFailures,
      },
    });
  }
  if (
    now.getTime() - since.getTime() >= DELIVERY_LIMITS.autoDisableAfterMs &&
    (await deps.store.webhooks.disableIfEnabled(hook.workspaceId, hook._id, 'failing', now))
  ) {
    await recordDestinationEvent(deps, hook, {
      idempotencyKey: `webhook-disabled:${hook._id}:${since.getTime()}`,
      description: `Webhook destination disabled: every delivery to ${redactUrl(hook.url)} failed for ${DELIVERY_LIMITS.autoDisableAfterMs / DAY_MS} days`,
      metadata: {
        change: 'webhook_disabled',
        reason: 'failing',
        failingSince: since.toISOString(),
        enabled: { from: true, to: false },
      },
    });
  }
}

/** 410 Gone: the receiver says it will never take deliveries again. */
export async function noteGone(deps: HealthDeps, hook: WebhookDoc): Promise<void> {
  const now = deps.clock();
  await deps.store.webhooks.recordFailure(hook.workspaceId, hook._id, now);
  if (await deps.store.webhooks.disableIfEnabled(hook.workspaceId, hook._id, 'gone', now)) {
    await recordDestinationEvent(deps, hook, {
      idempotencyKey: `webhook-gone:${hook._id}:${now.getTime()}`,
      description: `Webhook destination disabled: ${redactUrl(hook.url)} answered 410 Gone`,
      metadata: { change: 'webhook_disabled', reason: 'gone', enabled: { from: true, to: false } },
    });
  }
}
