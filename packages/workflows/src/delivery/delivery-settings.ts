import { DELIVERY_LIMITS, retryScheduleFromConfig, type Config } from '@audit/shared';
import { encryptionKeyFrom } from '@audit/shared/secret-box';
import type { Resolver } from './guarded-post.ts';

export interface DeliverySettings {
  publicBaseUrl: string;
  allowPrivate: boolean;
  loopbackOnly?: boolean | undefined;
  /** Wait before each attempt, in ms; its length is the number of scheduled attempts. */
  retrySchedule: number[];
  encryptionKey: Buffer | null;
  requestTimeoutMs: number;
  /** How long a batch that is not full waits for more events. */
  lingerMs: number;
  resolver?: Resolver | undefined;
}

/** Read once at worker start: a bad WEBHOOK_RETRY_SCHEDULE stops the worker with its name. */
export function deliverySettingsFrom(config: Config, resolver?: Resolver): DeliverySettings {
  return {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    loopbackOnly: config.WEBHOOK_LOOPBACK_ONLY,
    retrySchedule: retryScheduleFromConfig(config.WEBHOOK_RETRY_SCHEDULE),
    encryptionKey: encryptionKeyFrom(config),
    requestTimeoutMs: DELIVERY_LIMITS.requestTimeoutMs,
    lingerMs: config.WEBHOOK_LINGER_MS,
    resolver,
  };
}
