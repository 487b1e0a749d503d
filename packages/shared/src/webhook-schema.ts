import { z } from 'zod';
import { classifyAddress, isIpLiteral } from './address-classifier.ts';
import { CATEGORIES, CategorySchema, SYSTEM_CATEGORIES } from './catalogue.ts';
import { text } from './event-schema.ts';

/** Every bound on a destination, quoted by the errors. */
export const WEBHOOK_LIMITS = {
  url: 2048,
  description: 500,
  headers: 20,
  headerName: 100,
  headerValue: 2048,
  headersBytes: 8 * 1024,
  perWorkspace: 20,
  deliveriesPage: 100,
  recoverMax: 1000,
  /** Events per request, per destination (the product's documented cap). */
  batchSize: 100,
  /** Replays a destination may have running at once. */
  replaysRunning: 3,
  /** How long a rotated-out secret keeps signing next to the new one. */
  rotationOverlapMs: 24 * 3_600_000,
} as const;

/**
 * `cloudevents` is CloudEvents batch mode (a JSON array per request); the two `cloudevents-*`
 * modes send one event per request, as structured or binary HTTP; `datadog` and `splunk-hec`
 * are those intakes' own shapes.
 */
export const WEBHOOK_FORMATS = [
  'cloudevents',
  'cloudevents-structured',
  'cloudevents-binary',
  'datadog',
  'splunk-hec',
] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const SINGLE_EVENT_FORMATS: readonly WebhookFormat[] = ['cloudevents-structured', 'cloudevents-binary'];

/** The batch size a destination actually gets: the single-event modes always send one. */
export function effectiveBatchSize(format: WebhookFormat, batchSize: number): number {
  return SINGLE_EVENT_FORMATS.includes(format) ? 1 : batchSize;
}

/**
 * Headers the delivery sets itself and a destination may not override. `authorization` is not
 * among them because the product never sets it: SIEM tokens usually travel in it.
 */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'host',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
]);
const RESERVED_PREFIXES = ['webhook-', 'ce-', 'proxy-', ':'];
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const VALUE = /^[\x20-\x7e\t]*$/;

export interface HeaderIssue {
  path: (string | number)[];
  message: string;
}

export function checkCustomHeaders(
  headers: Record<string, string>,
  base: (string | number)[] = ['headers'],
): HeaderIssue[] {
  const issues: HeaderIssue[] = [];
  const names = Object.keys(headers);
  if (names.length > WEBHOOK_LIMITS.headers)
    return [{ path: base, message: `must have at most ${WEBHOOK_LIMITS.headers} headers (got ${names.length})` }];
  const seen = new Set<string>();
  let bytes = 0;
  for (const name of names) {
    const value = headers[name]!;
    const lower = name.toLowerCase();
    const path = [...base, name];
    bytes += name.length + value.length;
    if (name.length === 0 || name.length > WEBHOOK_LIMITS.headerName)
      issues.push({ path, message: `header names must be 1 to ${WEBHOOK_LIMITS.headerName} characters` });
    else if (!TOKEN.test(name))
      issues.push({ path, message: "header names may hold only letters, digits and !#$%&'*+.^_`|~-" });
    else if (RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p)))
      issues.push({ path, message: `header "${lower}" is set by the delivery and cannot be overridden` });
    else if (seen.has(lower))
      issues.push({ path, message: `header "${lower}" is given twice (names are case-insensitive)` });
    if (value.length > WEBHOOK_LIMITS.headerValue)
      issues.push({ path, message: `header values must be at most ${WEBHOOK_LIMITS.headerValue} characters` });
    else if (!VALUE.test(value))
      issues.push({ path, message: 'header values may hold only printable ASCII, spaces and tabs (no line breaks)' });
    seen.add(lower);
  }
  if (issues.length === 0 && bytes > WEBHOOK_LIMITS.headersBytes)
    issues.push({ path: base, message: `must total at most ${WEBHOOK_LIMITS.headersBytes} bytes (got ${bytes})` });
  return issues;
}

/** Null when the URL may be a destination; otherwise why not. DNS names are judged at delivery. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL, e.g. https://siem.example.com/audit';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return allowPrivate
      ? 'must use http or https'
      : 'must use https (http is allowed only with WEBHOOK_ALLOW_PRIVATE, for local development)';
  }
  if (url.username || url.password) return 'must not contain credentials; send them in a custom header instead';
  if (url.hash) return 'must not contain a #fragment';
  if (allowPrivate) return null;
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at localhost';
  if (isIpLiteral(host)) {
    const refused = classifyAddress(host);
    if (refused) return `must not point at a ${refused} address (${host})`;
  }
  return null;
}

/** For audit metadata: the query string may carry a token, so only its presence is recorded. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(unparseable)';
  }
}

export const WebhookHeadersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const issue of checkCustomHeaders(headers, []))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export const WebhookCategoriesSchema = z
  .array(CategorySchema)
  .max(CATEGORIES.length, { message: `must list at most ${CATEGORIES.length} categories` })
  .refine((c) => new Set(c).size === c.length, { message: 'must not repeat a category' });

export const WebhookFields = {
  url: text(WEBHOOK_LIMITS.url, 1),
  description: text(WEBHOOK_LIMITS.description).optional(),
  headers: WebhookHeadersSchema.optional(),
  categories: WebhookCategoriesSchema.optional(),
  format: z.enum(WEBHOOK_FORMATS, { message: `must be one of ${WEBHOOK_FORMATS.join(', ')}` }).optional(),
  batchSize: z
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(WEBHOOK_LIMITS.batchSize, { message: `must be at most ${WEBHOOK_LIMITS.batchSize}` })
    .optional(),
  compression: z.enum(['none', 'gzip'], { message: 'must be none or gzip' }).optional(),
};

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant, e.g. 2026-11-30T05:00:00Z' });
/** Where a new destination's stream starts: now (the default), or an instant within retention (backfill). */
export const StartFromSchema = z
  .string()
  .max(64, { message: 'must be at most 64 characters' })
  .refine((v) => v === 'now' || instant.safeParse(v).success, {
    message: "must be 'now' or an ISO 8601 instant, e.g. 2026-11-30T05:00:00Z",
  });
export const InstantSchema = instant;

/**
 * A destination's category filter: empty means every category. The service's own events (signed
 * checkpoints) pass every filter: a customer's copy of the chain must not have holes.
 */
export function matchesCategories(categories: readonly string[], category: string): boolean {
  return (
    categories.length === 0 ||
    categories.includes(category) ||
    (SYSTEM_CATEGORIES as readonly string[]).includes(category)
  );
}
