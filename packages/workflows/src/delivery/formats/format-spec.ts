import type { AuditCloudEventAttributes } from '@audit/shared';

export interface RenderContext {
  /** e.g. 'https://audit.example.com': the events' `source` prefix and the sender's host name. */
  publicBaseUrl: string;
}

export interface RenderedBody {
  /** Lower-case header names: content-type always; ce-* for binary mode. Never webhook-* (the signer adds those). */
  headers: Record<string, string>;
  /** The exact UTF-8 text sent (before any gzip the sender applies). */
  body: string;
}

/**
 * One payload format: how events become a request body, and its limits. The batcher closes a
 * batch with `entryBytes` and `bodyBytes` before the body passes `maxBodyBytes`, so the byte
 * accounting is exact (the unit tests hold it to `Buffer.byteLength` of the rendered body).
 */
export interface FormatSpec {
  /** Most events one request may carry: 1 for the single-event CloudEvents modes, 100 otherwise (the product's batch cap; Datadog's own intake cap is 1,000). */
  maxEvents: number;
  /** Most bytes of `body` one request may carry. */
  maxBodyBytes: number;
  /** Most bytes one event's entry may take (Datadog: 1 MB per log entry); null when only maxBodyBytes applies. */
  maxEntryBytes: number | null;
  /** UTF-8 bytes one event adds to the body (its serialized entry, without separators). */
  entryBytes(event: AuditCloudEventAttributes, ctx: RenderContext): number;
  /** UTF-8 bytes of a body holding entries of these sizes (overhead + entries + separators); equals Buffer.byteLength(render(...).body) exactly. */
  bodyBytes(entrySizes: number[]): number;
  /** Throws on zero events or more than `maxEvents`; byte limits are the batcher's to enforce (it decides what an oversized event does). */
  render(events: AuditCloudEventAttributes[], ctx: RenderContext): RenderedBody;
}

export const MIB = 1_048_576;

/** Bytes as sent: the sender writes the body with `Buffer.from(body, 'utf8')`, which this counts exactly. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A request carries 1 to `maxEvents` events. An empty body is refused by some intakes (Splunk
 * answers "No data") and can only come from a caller's mistake, so it fails loudly here.
 */
export function checkEventCount(events: readonly unknown[], maxEvents: number): void {
  if (events.length === 0) throw new RangeError('a request needs at least one event (got none)');
  if (events.length > maxEvents)
    throw new RangeError(
      `this format carries at most ${maxEvents} event${maxEvents === 1 ? '' : 's'} per request (got ${events.length})`,
    );
}

/**
 * The sender's host as SIEMs file it (Datadog `hostname`, Splunk `host`): the public base URL's
 * host name, without port. The URL is validated at start-up, so a bad one is a bug, not input:
 * it throws rather than labelling every log with a made-up host.
 */
export function hostnameOf(publicBaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicBaseUrl);
  } catch {
    throw new TypeError(`publicBaseUrl must be an absolute URL (got ${JSON.stringify(publicBaseUrl)})`);
  }
  return url.hostname;
}
