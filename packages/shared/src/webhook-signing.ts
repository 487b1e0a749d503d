import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com), done by the specification's own
 * library so that our signatures are, by construction, the ones its verifiers compute. Several
 * signatures are separated by spaces, so a rotated secret keeps working.
 */
export const SECRET_PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function isSigningSecret(value: string): boolean {
  return value.startsWith(SECRET_PREFIX) && /^[A-Za-z0-9+/]{43}=$/.test(value.slice(SECRET_PREFIX.length));
}

// The library signs text. Fatal: a lenient decode would turn bad bytes into U+FFFD, so the
// signature would cover a body other than the one sent; ignoreBOM keeps a leading BOM, which is
// part of the body, instead of dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function asText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : utf8.decode(body);
}

/**
 * `body` is the payload as the receiver verifies it: the uncompressed text (see buildRequest), as
 * a string or its UTF-8 bytes.
 */
export function signatureFor(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a signing secret starts with whsec_');
  // The library signs whole seconds of a Date; a fraction would disagree with the header we send.
  if (!Number.isSafeInteger(timestampSeconds)) throw new Error('a webhook timestamp is a whole number of seconds');
  return new Webhook(secret).sign(id, new Date(timestampSeconds * 1000), asText(body));
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(
  secrets: string[],
  id: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): SignedHeaders {
  if (secrets.length === 0) throw new Error('at least one signing secret is needed');
  const payload = asText(body);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signatureFor(s, id, timestampSeconds, payload)).join(' '),
  };
}

/** What may be shown after creation: enough to tell secrets apart. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}
