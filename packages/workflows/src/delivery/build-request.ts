import { CloudEvent, HTTP } from 'cloudevents';
import type { AuditCloudEventAttributes } from '@audit/shared';
import { signWebhook } from '@audit/shared/webhook-signing';

export interface BuiltRequest {
  headers: Record<string, string>;
  body: string;
}

export const USER_AGENT = 'atmos-audit-log-webhooks/1.0';

/**
 * The exact bytes a receiver gets: the CloudEvent as the SDK writes it (structured or binary),
 * signed over that body. Custom headers go first so nothing they say can shadow ours (they are
 * also refused at input).
 */
export function buildRequest(attrs: AuditCloudEventAttributes, format: 'structured' | 'binary', secrets: string[], custom: Record<string, string>, now: Date): BuiltRequest {
  const event = new CloudEvent<AuditCloudEventAttributes['data']>(attrs);
  const message = format === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  const signed = signWebhook(secrets, attrs.id, Math.floor(now.getTime() / 1000), body);
  const headers: Record<string, string> = { ...custom, 'user-agent': USER_AGENT };
  for (const [name, value] of Object.entries(message.headers)) headers[name.toLowerCase()] = String(value);
  return { headers: { ...headers, ...signed }, body };
}
