import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for what must be stored but never shown again (signing secrets, custom header
 * values). The associated data binds a ciphertext to its record and field, so a value copied
 * into another destination's document does not decrypt there.
 */
const VERSION = 'v1';

export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function decryptSecret(key: Buffer, sealed: string, context: string): string {
  const [version, payload] = sealed.split('.');
  if (version !== VERSION || !payload) throw new Error('unreadable encrypted value');
  const raw = Buffer.from(payload, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export interface KeySource {
  SECRET_ENCRYPTION_KEY?: string | undefined;
  WEBHOOK_ALLOW_PRIVATE: boolean;
  ADMIN_TOKEN: string;
}

/**
 * The key from SECRET_ENCRYPTION_KEY. Unset, development setups (WEBHOOK_ALLOW_PRIVATE) derive
 * one from ADMIN_TOKEN with HKDF so tests and ad-hoc runs work; anywhere else there is no key,
 * and webhooks refuse to store secrets rather than keep them readable.
 */
export function encryptionKeyFrom(cfg: KeySource): Buffer | null {
  if (cfg.SECRET_ENCRYPTION_KEY) return Buffer.from(cfg.SECRET_ENCRYPTION_KEY, 'base64');
  if (!cfg.WEBHOOK_ALLOW_PRIVATE) return null;
  return Buffer.from(hkdfSync('sha256', cfg.ADMIN_TOKEN, 'audit-log', 'webhook-secret-encryption-v1', 32));
}

export const MISSING_KEY_MESSAGE =
  'SECRET_ENCRYPTION_KEY is not set: webhook secrets cannot be stored encrypted (set 32 random bytes, base64)';

/** Associated data for each sealed field of a webhook destination. */
export const sealContext = {
  signingSecret: (webhookId: string) => `webhook:${webhookId}:signing-secret`,
  header: (webhookId: string, name: string) => `webhook:${webhookId}:header:${name.toLowerCase()}`,
};
