import type { AuditCloudEventAttributes } from '@audit/shared';
import { bytes } from './envelope.ts';
import type { FormatSpec, RenderContext } from './index.ts';

/**
 * A format whose body is entries joined by a separator inside optional brackets: a JSON array
 * (`[a,b]`) or concatenated JSON objects (`a\nb`). Entries are serialized once, so the size the
 * batcher counts is the size sent.
 */
export function joinedFormat(opts: {
  contentType: string;
  open: string;
  separator: string;
  close: string;
  maxEvents: number;
  maxBodyBytes: number;
  maxEntryBytes: number | null;
  entry(event: AuditCloudEventAttributes, ctx: RenderContext): unknown;
}): FormatSpec {
  const text = (e: AuditCloudEventAttributes, ctx: RenderContext) => JSON.stringify(opts.entry(e, ctx));
  return {
    maxEvents: opts.maxEvents,
    maxBodyBytes: opts.maxBodyBytes,
    maxEntryBytes: opts.maxEntryBytes,
    entryBytes: (e, ctx) => bytes(text(e, ctx)),
    bodyBytes: (sizes) => bytes(opts.open) + bytes(opts.close) + sizes.reduce((a, b) => a + b, 0) + Math.max(0, sizes.length - 1) * bytes(opts.separator),
    render: (events, ctx) => ({
      headers: { 'content-type': opts.contentType },
      body: `${opts.open}${events.map((e) => text(e, ctx)).join(opts.separator)}${opts.close}`,
    }),
  };
}
