import type { AuditCloudEventAttributes } from '@audit/shared';
import { toEnvelope } from './envelope.ts';
import { hostnameOf, type RenderContext } from './format-spec.ts';
import { joinedFormat } from './joined-format.ts';

export const DATADOG_SOURCE = 'atmos-audit-log';
export const DATADOG_SERVICE = 'atmos';

/** Failure actions (`oidc_token_exchange_failure`, `failed`, `payment_failed`) are `warn`, so a status facet finds them. */
export function datadogStatus(action: string): 'warn' | 'info' {
  return action.includes('fail') ? 'warn' : 'info';
}

// Names may be present but empty (the schema allows it), so an empty one falls back to the id.
const label = (thing: { id?: unknown; name?: unknown } | null | undefined): string =>
  (typeof thing?.name === 'string' && thing.name) || (typeof thing?.id === 'string' ? thing.id : 'unknown');

/** The log line Log Explorer shows: the event's own description, else who did what to what. */
export function datadogMessage(event: AuditCloudEventAttributes): string {
  const { actor, action, target, description } = event.data;
  if (description) return description;
  return `${label(actor)} ${action.category}.${action.action}${target ? ` ${label(target)}` : ''}`;
}

/**
 * One Datadog Logs (HTTP intake v2) entry. Reserved attributes come first and at the top level so
 * Datadog indexes the event without a remapping pipeline: `timestamp` (epoch ms) is the log date,
 * `status` the level, `ddtags` the tags. `evt` and `usr` are Datadog's standard attributes, so
 * the audit-trail views and facets work as is. The whole event rides along under `audit` as its
 * CloudEvents envelope, the same object the other formats send.
 */
export function datadogEntry(event: AuditCloudEventAttributes, ctx: RenderContext): Record<string, unknown> {
  const { category, action } = event.data.action;
  const actor = event.data.actor as { type?: unknown; id?: unknown; name?: unknown; email?: unknown };
  const audit = toEnvelope(event); // first: it validates the event before anything reads its time
  const at = Date.parse(event.time);
  return {
    ddsource: DATADOG_SOURCE,
    service: DATADOG_SERVICE,
    hostname: hostnameOf(ctx.publicBaseUrl),
    status: datadogStatus(action),
    message: datadogMessage(event),
    ddtags: `source:${DATADOG_SOURCE},category:${category},action:${category}.${action},workspace_id:${event.data.workspaceId},organization_id:${event.data.organizationId}`,
    event_id: event.id,
    event_type: event.type,
    timestamp: at,
    date: new Date(at).toISOString(),
    evt: { name: event.type, category },
    ...(actor.type === 'user'
      ? {
          usr: {
            id: actor.id,
            ...(typeof actor.name === 'string' && actor.name ? { name: actor.name } : {}),
            ...(typeof actor.email === 'string' ? { email: actor.email } : {}),
          },
        }
      : {}),
    audit,
  };
}

/**
 * `POST /api/v2/logs` takes a JSON array. Datadog's limits are 1,000 entries, 5 MB uncompressed
 * per request and 1 MB per entry. The product caps batches at 100 events.
 */
export const datadogLogs = joinedFormat({
  contentType: 'application/json',
  open: '[',
  separator: ',',
  close: ']',
  limits: { maxEvents: 100, maxBodyBytes: 5_000_000, maxEntryBytes: 1_000_000 },
  entry: datadogEntry,
});
