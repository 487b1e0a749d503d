import type { AuditCloudEventAttributes } from '@audit/shared';
import { checkEventCount, utf8Bytes, type FormatSpec, type RenderContext } from './format-spec.ts';

export interface JoinedFormatOptions {
  contentType: string;
  /** Text before the first entry and after the last: `[` and `]` for a JSON array, empty for concatenated objects. */
  open: string;
  close: string;
  /** Text between entries: `,` in an array, `\n` between concatenated objects. */
  separator: string;
  limits: Pick<FormatSpec, 'maxEvents' | 'maxBodyBytes' | 'maxEntryBytes'>;
  /** The JSON value one event becomes. */
  entry(event: AuditCloudEventAttributes, ctx: RenderContext): unknown;
}

/**
 * A format whose body is one JSON entry per event, joined by a separator inside optional
 * brackets. The body is built from the same `JSON.stringify` of each entry that `entryBytes`
 * measures (no indentation, so `JSON.stringify([a, b])` is exactly `[` + a + `,` + b + `]`), which
 * is what makes `bodyBytes` exact rather than an estimate.
 */
export function joinedFormat(opts: JoinedFormatOptions): FormatSpec {
  const text = (event: AuditCloudEventAttributes, ctx: RenderContext) => JSON.stringify(opts.entry(event, ctx));
  const overhead = utf8Bytes(opts.open) + utf8Bytes(opts.close);
  const separator = utf8Bytes(opts.separator);
  return {
    ...opts.limits,
    entryBytes: (event, ctx) => utf8Bytes(text(event, ctx)),
    bodyBytes: (sizes) =>
      overhead + sizes.reduce((sum, size) => sum + size, 0) + Math.max(0, sizes.length - 1) * separator,
    render: (events, ctx) => {
      checkEventCount(events, opts.limits.maxEvents);
      return {
        headers: { 'content-type': opts.contentType },
        body: `${opts.open}${events.map((event) => text(event, ctx)).join(opts.separator)}${opts.close}`,
      };
    },
  };
}
