/**
 * What may never reach a log line, decided here for every process: API keys (`atk_…`), the admin
 * token, webhook signing secrets (`whsec_…`) and webhook custom-header values.
 *
 * Three layers, because each alone has a gap:
 * - headers are logged from an allowlist: every other header value (authorization, cookies, a
 *   proxy's own token header) is replaced, so a new header cannot leak by being forgotten here;
 * - field paths that hold secrets anywhere in a log object are censored by pino's `redact`;
 * - the finished line is scrubbed of anything shaped like a key or a signing secret, for the
 *   error message or the nested field nobody thought of. The admin token has no fixed shape: it
 *   only ever travels in `authorization`, which the first layer drops.
 */

export const CENSOR = '[redacted]';

/** Header values worth reading in a request line and never secret. */
const SAFE_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'host',
  'vary',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
]);

/** Paths (pino `redact` syntax) of fields that carry secrets wherever they are logged. */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'secret',
  '*.secret',
  'signingSecret',
  '*.signingSecret',
  'previousSecret',
  '*.previousSecret',
  'key',
  '*.key',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
  'ADMIN_TOKEN',
  '*.ADMIN_TOKEN',
  'SECRET_ENCRYPTION_KEY',
  '*.SECRET_ENCRYPTION_KEY',
  'AUDIT_SIGNING_KEY',
  '*.AUDIT_SIGNING_KEY',
];

type HeaderBag = Record<string, unknown> | undefined | null;

/** Header names kept, every value outside the allowlist replaced (names stay: they help debugging). */
export function redactHeaders(headers: HeaderBag): Record<string, unknown> {
  if (!headers || typeof headers !== 'object') return {};
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, SAFE_HEADERS.has(name.toLowerCase()) ? value : CENSOR]),
  );
}

const SECRET_SHAPES: [RegExp, string][] = [
  [/atk_[A-Za-z0-9_-]+/g, `atk_${CENSOR}`],
  [/whsec_[A-Za-z0-9+/=_-]+/g, `whsec_${CENSOR}`],
];

/** The last layer, over the serialized line (pino's `hooks.streamWrite`). */
export function scrubSecrets(line: string): string {
  let out = line;
  for (const [shape, replacement] of SECRET_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** The parts of a URL that identify the route; the query (search words, inputs) stays out of the log. */
export function pathOnly(url: unknown): unknown {
  return typeof url === 'string' ? url.split('?')[0] : url;
}

interface SerializedRequest {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  headers?: HeaderBag;
  remoteAddress?: unknown;
}

interface SerializedResponse {
  statusCode?: unknown;
  headers?: HeaderBag;
}

/**
 * Serializers for pino-http's `req` and `res` (they receive pino's standard shape): the route
 * without its query, headers through the allowlist.
 */
export const httpSerializers = {
  req: (req: SerializedRequest) => ({
    id: req.id,
    method: req.method,
    url: pathOnly(req.url),
    headers: redactHeaders(req.headers),
    remoteAddress: req.remoteAddress,
  }),
  res: (res: SerializedResponse) => ({ statusCode: res.statusCode, headers: redactHeaders(res.headers) }),
};
