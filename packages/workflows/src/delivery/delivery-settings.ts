import { DELIVERY_LIMITS, retryScheduleFromConfig, type Config } from '@audit/shared';
import { encryptionKeyFrom } from '@audit/shared/secret-box';
import type { DeliverySettings } from './delivery-activities.ts';
import type { Resolver } from './guarded-post.ts';

/** Read once at worker start: a bad WEBHOOK_RETRY_SCHEDULE stops the worker with its name. */
export function deliverySettingsFrom(config: Config, resolver?: Resolver): DeliverySettings {
  return {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    loopbackOnly: config.WEBHOOK_LOOPBACK_ONLY,
    retrySchedule: retryScheduleFromConfig(config.WEBHOOK_RETRY_SCHEDULE),
    encryptionKey: encryptionKeyFrom(config),
    requestTimeoutMs: DELIVERY_LIMITS.requestTimeoutMs,
    resolver,
  };
}
