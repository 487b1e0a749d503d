import type { AuditCloudEventAttributes } from '@audit/shared';
import { hostOf, toEnvelope } from './envelope.ts';
import type { FormatSpec } from './index.ts';
import { joinedFormat } from './json-array.ts';

export const DATADOG_SOURCE = 'atmos-audit-log';
export const DATADOG_SERVICE = 'atmos';

/** Actions that record something going wrong are `warn`, so a Log Explorer facet finds them. */
const statusOf = (action: string) => (action.includes('fail') ? 'warn' : 'info');

function messageOf(e: AuditCloudEventAttributes): string {
  if (e.data.description) return e.data.description;
  const actor = e.data.actor as { id?: string; name?: string };
  const target = e.data.target ? ` ${e.data.target.name ?? e.data.target.id}` : '';
  return `${actor.name ?? actor.id ?? 'unknown'} ${e.data.action.category}.${e.data.action.action}${target}`;
}

/**
 * One Datadog Logs (HTTP intake v2) entry: the reserved attributes at the top level so Log
 * Explorer indexes the event without a remap pipeline, Datadog's standard `evt` and `usr`
 * attributes, and the whole event as its CloudEvents envelope under `audit`.
 */
export function datadogEntry(e: AuditCloudEventAttributes, publicBaseUrl: string): Record<string, unknown> {
  const { category, action } = e.data.action;
  const actor = e.data.actor as { type?: string; id?: string; name?: string; email?: string };
  const at = Date.parse(e.time);
  return {
    ddsource: DATADOG_SOURCE,
    service: DATADOG_SERVICE,
    hostname: hostOf(publicBaseUrl),
    status: statusOf(action),
    message: messageOf(e),
    ddtags: `source:${DATADOG_SOURCE},category:${category},action:${category}.${action},workspace_id:${e.data.workspaceId},organization_id:${e.data.organizationId}`,
    event_id: e.id,
    event_type: e.type,
    timestamp: at,
    date: new Date(at).toISOString(),
    evt: { name: e.type, category },
    ...(actor.type === 'user' ? { usr: { id: actor.id, ...(actor.name ? { name: actor.name } : {}), ...(actor.email ? { email: actor.email } : {}) } } : {}),
    audit: toEnvelope(e),
  };
}

/** Datadog's intake takes at most 1,000 entries and 5 MB per request, 1 MB per entry. */
export const datadogLogs: FormatSpec = joinedFormat({
  contentType: 'application/json',
  open: '[',
  separator: ',',
  close: ']',
  maxEvents: 100,
  maxBodyBytes: 5_000_000,
  maxEntryBytes: 1_000_000,
  entry: (e, ctx) => datadogEntry(e, ctx.publicBaseUrl),
});
