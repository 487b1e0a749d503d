import { CloudEvent, HTTP } from 'cloudevents';
import type { AuditCloudEventAttributes } from '@audit/shared';
import { bytes, toEnvelope } from './envelope.ts';
import type { FormatSpec, RenderedBody } from './index.ts';
import { joinedFormat } from './json-array.ts';

const MIB = 1024 * 1024;

/** CloudEvents v1.0 batch mode: one JSON array of structured envelopes per request. */
export const cloudEventsBatch: FormatSpec = joinedFormat({
  contentType: 'application/cloudevents-batch+json; charset=utf-8',
  open: '[',
  separator: ',',
  close: ']',
  maxEvents: 100,
  maxBodyBytes: MIB,
  maxEntryBytes: null,
  entry: (e) => toEnvelope(e),
});

function single(write: (event: CloudEvent<AuditCloudEventAttributes['data']>) => { headers: Record<string, unknown>; body: unknown }): FormatSpec {
  const render = (events: AuditCloudEventAttributes[]): RenderedBody => {
    if (events.length !== 1) throw new Error(`this format sends one event per request (got ${events.length})`);
    const message = write(new CloudEvent<AuditCloudEventAttributes['data']>(events[0]!));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) headers[name.toLowerCase()] = String(value);
    return { headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
  };
  return {
    maxEvents: 1,
    maxBodyBytes: MIB,
    maxEntryBytes: null,
    entryBytes: (e) => bytes(render([e]).body),
    bodyBytes: (sizes) => sizes.reduce((a, b) => a + b, 0),
    render,
  };
}

/** One event per request, the envelope as the body (`application/cloudevents+json`). */
export const cloudEventsStructured = single((e) => HTTP.structured(e));
/** One event per request, attributes as `ce-*` headers and the data as the body. */
export const cloudEventsBinary = single((e) => HTTP.binary(e));
