import { CloudEvent, HTTP } from 'cloudevents';
import type { AuditCloudEventAttributes, AuditCloudEventData } from '@audit/shared';
import { toEnvelope } from './envelope.ts';
import { checkEventCount, MIB, utf8Bytes, type FormatSpec, type RenderedBody } from './format-spec.ts';
import { joinedFormat } from './joined-format.ts';

/**
 * CloudEvents v1.0 batch mode (the default): one JSON array of structured envelopes per request,
 * which `HTTP.toEvent` in the SDKs reads back as an array of events.
 */
export const cloudEventsBatch: FormatSpec = joinedFormat({
  contentType: 'application/cloudevents-batch+json; charset=utf-8',
  open: '[',
  separator: ',',
  close: ']',
  limits: { maxEvents: 100, maxBodyBytes: MIB, maxEntryBytes: null },
  entry: (event) => toEnvelope(event),
});

type Message = { headers: Record<string, unknown>; body: unknown };

/**
 * A mode that sends one event per request, written by the SDK itself so the request is exactly
 * what a CloudEvents receiver expects. The body is the whole "entry", hence no framing bytes.
 */
function singleEventFormat(
  write: (event: CloudEvent<AuditCloudEventData>) => Message,
  headerValue: (name: string, value: string) => string,
): FormatSpec {
  const render = (events: AuditCloudEventAttributes[]): RenderedBody => {
    checkEventCount(events, 1);
    const message = write(new CloudEvent<AuditCloudEventData>(events[0]!));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers))
      headers[name.toLowerCase()] = headerValue(name.toLowerCase(), String(value));
    return { headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
  };
  return {
    maxEvents: 1,
    maxBodyBytes: MIB,
    maxEntryBytes: null,
    entryBytes: (event) => utf8Bytes(render([event]).body),
    bodyBytes: (sizes) => {
      // No body holds two entries in these modes; answering a sum would describe a request that cannot exist.
      if (sizes.length > 1)
        throw new RangeError(`this format carries one event per request (asked about ${sizes.length})`);
      return sizes[0] ?? 0;
    },
    render,
  };
}

/** One event per request, the envelope as the body (`application/cloudevents+json`). */
export const cloudEventsStructured: FormatSpec = singleEventFormat(
  (event) => HTTP.structured(event),
  (_, value) => value,
);

/** One event per request: attributes as `ce-*` headers, the data as the body (`application/json`). */
export const cloudEventsBinary: FormatSpec = singleEventFormat(
  (event) => HTTP.binary(event),
  (name, value) => (name.startsWith('ce-') ? percentEncodeHeaderValue(value) : value),
);

/**
 * CloudEvents HTTP binding 1.0.2, section 3.1.3.2: a `ce-*` header value keeps printable ASCII
 * and space as is, and sends every other character, plus `"` and `%`, as its UTF-8 bytes
 * percent-encoded. The SDK skips this step. Without it a non-Latin-1 `subject` (a target id is free
 * text) makes Node refuse the header, and a Latin-1 one goes out as a Latin-1 byte a receiver misreads.
 * The product's own values (ids, URLs, types, seq) are plain ASCII, so for them this is a no-op
 * and the headers are byte for byte the SDK's.
 */
export function percentEncodeHeaderValue(value: string): string {
  return value.replace(/[^\x20\x21\x23\x24\x26-\x7e]/gu, (ch) =>
    Array.from(Buffer.from(ch, 'utf8'), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
