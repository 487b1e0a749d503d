import { classifyStatus, DELIVERY_LIMITS, newId, nextRetryDelay, parseRetryAfter, toCloudEventAttributes, type ResponseClass } from '@audit/shared';
import type { AttemptTrigger, DeliveryDoc, Store, WebhookDoc } from '@audit/store';
import { buildRequest } from './build-request.ts';
import { customHeaders, signingSecrets } from './destination-secrets.ts';
import { noteFailure, noteGone, type HealthDeps } from './destination-health.ts';
import type { DeliverInput, TestDeliveryResult } from './delivery-types.ts';
import type { Dispatcher } from './dispatcher.ts';
import { guardedPost, type PostResult, type Resolver } from './guarded-post.ts';
import { testEvent } from './test-event.ts';

export interface DeliverySettings {
  publicBaseUrl: string;
  allowPrivate: boolean;
  loopbackOnly?: boolean | undefined;
  /** Wait before each attempt, in ms; its length is the number of scheduled attempts. */
  retrySchedule: number[];
  encryptionKey: Buffer | null;
  requestTimeoutMs: number;
  resolver?: Resolver | undefined;
}

export interface DeliveryDeps {
  store: Store;
  clock: () => Date;
  dispatcher: Dispatcher;
  settings: DeliverySettings;
}

export interface OpenedDelivery {
  deliveryId: string | null;
  attemptsSoFar: number;
  firstDelayMs: number;
  reason?: string;
}

export interface AttemptInput {
  workspaceId: string;
  deliveryId: string;
  /** Attempt number across the delivery's life (manual runs continue the count). */
  attempt: number;
  /** Position in the retry schedule within this run. */
  index: number;
  trigger: AttemptTrigger;
}

export interface AttemptResult {
  status: 'succeeded' | 'failed' | 'retrying';
  /** Null when this run is over. */
  nextDelayMs: number | null;
}

export function createDeliveryActivities(deps: DeliveryDeps) {
  const { store, settings } = deps;
  const health: HealthDeps = { store, clock: deps.clock, dispatcher: deps.dispatcher };

  async function send(hook: WebhookDoc, attrs: Parameters<typeof buildRequest>[0], now: Date): Promise<PostResult> {
    let built;
    try {
      built = buildRequest(attrs, hook.format, signingSecrets(settings.encryptionKey, hook, now), customHeaders(settings.encryptionKey, hook), now);
    } catch (err) {
      return { kind: 'error', error: `could not build the request: ${(err as Error).message}`, refused: true, durationMs: 0 };
    }
    return guardedPost({
      url: hook.url,
      headers: built.headers,
      body: built.body,
      timeoutMs: settings.requestTimeoutMs,
      maxBodyBytes: DELIVERY_LIMITS.responseBodyBytes,
      allowPrivate: settings.allowPrivate,
      loopbackOnly: settings.loopbackOnly ?? false,
      resolver: settings.resolver,
    });
  }

  return {
    /** Finds or creates the delivery record; says when there is nothing (more) to deliver. */
    async openDelivery(input: DeliverInput): Promise<OpenedDelivery> {
      const skip = (reason: string): OpenedDelivery => ({ deliveryId: null, attemptsSoFar: 0, firstDelayMs: 0, reason });
      const [hook, event] = await Promise.all([store.webhooks.findForWorkspace(input.workspaceId, input.webhookId), store.events.findForWorkspace(input.workspaceId, input.eventId)]);
      if (!hook) return skip('destination deleted');
      if (!event) return skip('event no longer stored');
      const now = deps.clock();
      const doc: DeliveryDoc = {
        _id: newId('delivery', now.getTime()),
        workspaceId: input.workspaceId,
        eventId: input.eventId,
        webhookId: input.webhookId,
        status: 'pending',
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        lastAttemptAt: null,
        nextAttemptAt: now,
        lastResponseStatus: null,
        lastError: null,
      };
      const delivery = await store.deliveries.open(doc);
      if (input.trigger === 'manual') {
        await store.deliveries.reopen(input.workspaceId, delivery._id, now);
        return { deliveryId: delivery._id, attemptsSoFar: delivery.attempts, firstDelayMs: 0 };
      }
      // A start repeated after Temporal forgot the first run must not deliver again.
      if (delivery.status !== 'pending') return skip(`already ${delivery.status}`);
      return { deliveryId: delivery._id, attemptsSoFar: delivery.attempts, firstDelayMs: settings.retrySchedule[0] ?? 0 };
    },

    /** One POST, recorded, and the wait before the next one (null when this run is over). */
    async attemptDelivery(input: AttemptInput): Promise<AttemptResult> {
      const delivery = await store.deliveries.findForWorkspace(input.workspaceId, input.deliveryId);
      if (!delivery) return { status: 'failed', nextDelayMs: null };
      const [hook, event] = await Promise.all([store.webhooks.findForWorkspace(input.workspaceId, delivery.webhookId), store.events.findForWorkspace(input.workspaceId, delivery.eventId)]);
      const startedAt = deps.clock();
      const stopWithout = async (why: string): Promise<AttemptResult> => {
        await store.deliveries.settle(input.workspaceId, delivery._id, delivery.attempts, { status: 'failed', lastAttemptAt: delivery.lastAttemptAt, nextAttemptAt: null, lastResponseStatus: delivery.lastResponseStatus, lastError: why }, startedAt);
        return { status: 'failed', nextDelayMs: null };
      };
      if (!hook) return stopWithout('destination deleted');
      if (!hook.enabled) return stopWithout(`destination disabled (${hook.disabledReason ?? 'manual'})`);
      if (!event) return stopWithout('event no longer stored');

      const attrs = toCloudEventAttributes({ ...event, id: event._id }, settings.publicBaseUrl);
      const result = await send(hook, attrs, startedAt);
      const cls: ResponseClass = result.kind === 'response' ? classifyStatus(result.status) : result.refused ? 'stop' : 'retry';
      const retryAfter = result.kind === 'response' ? parseRetryAfter(result.retryAfter, startedAt) : null;
      const nextDelayMs = cls === 'retry' ? nextRetryDelay(settings.retrySchedule, input.index + 1, retryAfter, Math.random) : null;
      const nextAttemptAt = nextDelayMs === null ? null : new Date(startedAt.getTime() + result.durationMs + nextDelayMs);
      const responseStatus = result.kind === 'response' ? result.status : null;
      const error = result.kind === 'error' ? result.error : cls === 'success' ? null : `HTTP ${result.status}${cls === 'retry' && result.status < 400 ? ' (redirects are not followed)' : ''}`;
      await store.deliveries.putAttempt({
        _id: newId('attempt', startedAt.getTime()),
        workspaceId: input.workspaceId,
        eventId: delivery.eventId,
        deliveryId: delivery._id,
        webhookId: hook._id,
        attempt: input.attempt,
        trigger: input.trigger,
        status: cls === 'success' ? 'succeeded' : 'failed',
        responseStatus,
        responseBody: result.kind === 'response' ? result.body : null,
        durationMs: result.durationMs,
        error,
        startedAt,
        nextAttemptAt,
      });
      const status: AttemptResult['status'] = cls === 'success' ? 'succeeded' : nextDelayMs === null ? 'failed' : 'retrying';
      // The destination's state first: once a delivery reads as settled, a 410 or a warning it caused is visible.
      if (cls === 'success') await store.webhooks.recordSuccess(hook.workspaceId, hook._id, startedAt);
      else if (cls === 'gone') await noteGone(health, hook);
      else await noteFailure(health, hook);
      await store.deliveries.settle(
        input.workspaceId,
        delivery._id,
        input.attempt,
        { status: status === 'retrying' ? 'pending' : status, lastAttemptAt: startedAt, nextAttemptAt, lastResponseStatus: responseStatus, lastError: error },
        deps.clock(),
      );
      return { status, nextDelayMs };
    },

    /** `webhooks.test`: one signed test event through the same client; neither stored nor retried. */
    async sendTestDelivery(input: { workspaceId: string; webhookId: string }): Promise<TestDeliveryResult> {
      const hook = await store.webhooks.findForWorkspace(input.workspaceId, input.webhookId);
      if (!hook) return { ok: false, responseStatus: null, durationMs: 0, error: 'destination deleted', responseBody: null };
      const ws = await store.workspaces.findById(input.workspaceId);
      const now = deps.clock();
      const result = await send(hook, testEvent(input.workspaceId, ws?.organizationId ?? '', settings.publicBaseUrl, now), now);
      if (result.kind === 'error') return { ok: false, responseStatus: null, durationMs: result.durationMs, error: result.error, responseBody: null };
      const ok = classifyStatus(result.status) === 'success';
      return { ok, responseStatus: result.status, durationMs: result.durationMs, error: ok ? null : `HTTP ${result.status}`, responseBody: result.body };
    },

    /** The reconciler's work, also callable on its own: starts what the outbox still holds. */
    async reconcileDispatch(input: { minAgeMs?: number; limit?: number } = {}) {
      return deps.dispatcher.reconcile({ minAgeMs: input.minAgeMs ?? 1_000, limit: input.limit ?? 1_000 });
    },
  };
}

export type DeliveryActivities = ReturnType<typeof createDeliveryActivities>;
