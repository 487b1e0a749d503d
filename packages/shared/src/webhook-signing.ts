import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>` with the base64 bytes after `whsec_`, sent as
 * `v1,<base64>`; several signatures are separated by spaces, so a rotated secret keeps working.
 */
export const SECRET_PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function isSigningSecret(value: string): boolean {
  return value.startsWith(SECRET_PREFIX) && /^[A-Za-z0-9+/]{43}=$/.test(value.slice(SECRET_PREFIX.length));
}

/** `body` is the exact bytes sent: with gzip, the compressed ones. */
export function signatureFor(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a signing secret starts with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.`, 'utf8').update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(secrets: string[], id: string, timestampSeconds: number, body: string | Uint8Array): SignedHeaders {
  if (secrets.length === 0) throw new Error('at least one signing secret is needed');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signatureFor(s, id, timestampSeconds, body)).join(' '),
  };
}

/** What may be shown after creation: enough to tell secrets apart. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}
