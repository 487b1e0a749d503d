import { CloudEvent } from 'cloudevents';
import type { AuditCloudEventAttributes } from '@audit/shared';

/**
 * The CloudEvents structured-mode envelope of one event, exactly as the SDK writes it: every
 * format carries the same envelope (batch mode's array items, Datadog's `audit`, Splunk's `event`),
 * so a receiver can hand any of them to a CloudEvents parser.
 */
export function toEnvelope(attrs: AuditCloudEventAttributes): Record<string, unknown> {
  return new CloudEvent<AuditCloudEventAttributes['data']>(attrs).toJSON();
}

export function hostOf(publicBaseUrl: string): string {
  try {
    return new URL(publicBaseUrl).hostname;
  } catch {
    return 'audit-log';
  }
}

export const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
