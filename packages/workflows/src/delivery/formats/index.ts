/**
 * Payload renderers for SIEM webhook deliveries. Pure: no I/O, no clock, no randomness. The same
 * events and context always give the same bytes, so a retried batch is re-rendered byte for byte
 * (only the signer's timestamp and signature change between attempts).
 */
import { cloudEventsBatch, cloudEventsBinary, cloudEventsStructured } from './cloudevents-formats.ts';
import { datadogLogs } from './datadog-format.ts';
import type { FormatSpec } from './format-spec.ts';
import { splunkHec } from './splunk-format.ts';

export type { FormatSpec, RenderContext, RenderedBody } from './format-spec.ts';
export { toEnvelope } from './envelope.ts';

export const STREAM_FORMATS = [
  'cloudevents',
  'cloudevents-structured',
  'cloudevents-binary',
  'datadog',
  'splunk-hec',
] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

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
