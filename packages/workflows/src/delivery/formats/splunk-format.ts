import type { AuditCloudEventAttributes } from '@audit/shared';
import { toEnvelope } from './envelope.ts';
import { hostnameOf, MIB, type RenderContext } from './format-spec.ts';
import { joinedFormat } from './joined-format.ts';

export const SPLUNK_SOURCE = 'atmos-audit-log';
export const SPLUNK_SOURCETYPE = 'atmos:audit';

/**
 * One Splunk HTTP Event Collector event (`/services/collector/event`). `time` is epoch seconds
 * with the milliseconds as the fraction, which is how HEC takes sub-second time. `event` is the
 * CloudEvents envelope. `fields` become indexed fields, so `tstats` and `where` searches on
 * category, action and tenant skip parsing the raw event.
 */
export function splunkEvent(event: AuditCloudEventAttributes, ctx: RenderContext): Record<string, unknown> {
  const { category, action } = event.data.action;
  const envelope = toEnvelope(event); // first: it validates the event before anything reads its time
  return {
    time: Date.parse(event.time) / 1000,
    host: hostnameOf(ctx.publicBaseUrl),
    source: SPLUNK_SOURCE,
    sourcetype: SPLUNK_SOURCETYPE,
    event: envelope,
    fields: {
      category,
      action: `${category}.${action}`,
      workspace_id: event.data.workspaceId,
      organization_id: event.data.organizationId,
    },
  };
}

/**
 * HEC takes several event objects concatenated in one body. They are separated by `\n`, which
 * keeps the body readable line by line. 1 MiB stays under `max_content_length` on older Splunk
 * versions, whose default is that conservative.
 */
export const splunkHec = joinedFormat({
  contentType: 'application/json',
  open: '',
  separator: '\n',
  close: '',
  limits: { maxEvents: 100, maxBodyBytes: MIB, maxEntryBytes: null },
  entry: splunkEvent,
});
