import type { AuditCloudEventAttributes } from '@audit/shared';
import { hostOf, toEnvelope } from './envelope.ts';
import type { FormatSpec } from './index.ts';
import { joinedFormat } from './json-array.ts';

export const SPLUNK_SOURCE = 'atmos-audit-log';
export const SPLUNK_SOURCETYPE = 'atmos:audit';

/**
 * One Splunk HTTP Event Collector event: `time` in epoch seconds (milliseconds as the fraction),
 * the envelope under `event`, and a few indexed `fields` for fast `tstats` searches.
 */
export function splunkEvent(e: AuditCloudEventAttributes, publicBaseUrl: string): Record<string, unknown> {
  const { category, action } = e.data.action;
  return {
    time: Date.parse(e.time) / 1000,
    host: hostOf(publicBaseUrl),
    source: SPLUNK_SOURCE,
    sourcetype: SPLUNK_SOURCETYPE,
    event: toEnvelope(e),
    fields: { category, action: `${category}.${action}`, workspace_id: e.data.workspaceId, organization_id: e.data.organizationId },
  };
}

/** HEC takes events concatenated in one body; 1 MiB keeps under older servers' `max_content_length`. */
export const splunkHec: FormatSpec = joinedFormat({
  contentType: 'application/json',
  open: '',
  separator: '\n',
  close: '',
  maxEvents: 100,
  maxBodyBytes: 1024 * 1024,
  maxEntryBytes: null,
  entry: (e, ctx) => splunkEvent(e, ctx.publicBaseUrl),
});
