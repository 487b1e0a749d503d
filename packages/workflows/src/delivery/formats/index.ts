import type { AuditCloudEventAttributes } from '@audit/shared';
import { cloudEventsBatch, cloudEventsBinary, cloudEventsStructured } from './cloudevents-formats.ts';
import { datadogLogs } from './datadog-format.ts';
import { splunkHec } from './splunk-format.ts';

export const STREAM_FORMATS = ['cloudevents', 'cloudevents-structured', 'cloudevents-binary', 'datadog', 'splunk-hec'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

export interface RenderContext {
  publicBaseUrl: string;
}

export interface RenderedBody {
  /** Lower-case names: content-type always, ce-* in binary mode; never webhook-* (the signer's). */
  headers: Record<string, string>;
  /** The exact text sent, before any gzip the sender applies. */
  body: string;
}

/**
 * One payload format: how events become a request body, and its limits. The batcher closes a
 * batch with `entryBytes` and `bodyBytes` before the body passes `maxBodyBytes`, so the byte
 * accounting is exact (the unit tests hold it to `Buffer.byteLength` of the rendered body).
 */
export interface FormatSpec {
  maxEvents: number;
  maxBodyBytes: number;
  /** Most bytes one entry may take, where the intake has such a limit. */
  maxEntryBytes: number | null;
  entryBytes(event: AuditCloudEventAttributes, ctx: RenderContext): number;
  bodyBytes(entrySizes: number[]): number;
  render(events: AuditCloudEventAttributes[], ctx: RenderContext): RenderedBody;
}

export const FORMATS: Record<StreamFormat, FormatSpec> = {
  cloudevents: cloudEventsBatch,
  'cloudevents-structured': cloudEventsStructured,
  'cloudevents-binary': cloudEventsBinary,
  datadog: datadogLogs,
  'splunk-hec': splunkHec,
};

export function formatSpec(format: StreamFormat): FormatSpec {
  return FORMATS[format];
}
