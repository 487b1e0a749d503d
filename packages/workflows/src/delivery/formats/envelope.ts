import { CloudEvent } from 'cloudevents';
import type { AuditCloudEventAttributes, AuditCloudEventData } from '@audit/shared';

/**
 * The CloudEvents structured-mode envelope of one event, as the plain JSON object the SDK writes
 * for `new CloudEvent(attrs)`. Every format carries this same object (batch mode's array items,
 * Datadog's `audit`, Splunk's `event`), so a receiver can hand any of them to a CloudEvents
 * parser and the mapping lives in one place.
 *
 * Built by the SDK rather than by hand so that it validates the attributes and can never drift
 * from what `HTTP.structured` sends. `toJSON()` keeps the SDK's unset attributes as `undefined`
 * keys; they are dropped so the object equals its own `JSON.parse(JSON.stringify(...))`.
 */
export function toEnvelope(attrs: AuditCloudEventAttributes): AuditCloudEventAttributes {
  const written: Record<string, unknown> = new CloudEvent<AuditCloudEventData>(attrs).toJSON();
  return Object.fromEntries(
    Object.entries(written).filter(([, value]) => value !== undefined),
  ) as AuditCloudEventAttributes;
}
