import { hkdfSync } from 'node:crypto';
import { parseSigningKey, type SigningKey } from '@audit/shared/integrity/signing';

/** PKCS#8 DER of an Ed25519 private key is this fixed prefix and then the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKeySource {
  AUDIT_SIGNING_KEY?: string | undefined;
  WEBHOOK_ALLOW_PRIVATE: boolean;
  ADMIN_TOKEN: string;
}

export const MISSING_SIGNING_KEY_MESSAGE =
  'AUDIT_SIGNING_KEY is not set: checkpoints cannot be signed (generate one with: openssl genpkey -algorithm ed25519 -outform DER | base64 -w0)';

/**
 * The checkpoint signing key. Unset, development setups (WEBHOOK_ALLOW_PRIVATE, as for the
 * secret encryption key) derive one from ADMIN_TOKEN so tests and ad-hoc runs sign; anywhere else
 * the worker refuses to start rather than seal with a key nobody chose.
 */
export function signingKeyFrom(cfg: SigningKeySource): SigningKey {
  if (cfg.AUDIT_SIGNING_KEY) return parseSigningKey(cfg.AUDIT_SIGNING_KEY);
  if (!cfg.WEBHOOK_ALLOW_PRIVATE) throw new Error(MISSING_SIGNING_KEY_MESSAGE);
  const seed = Buffer.from(hkdfSync('sha256', cfg.ADMIN_TOKEN, 'audit-log', 'checkpoint-signing-key-v1', 32));
  return parseSigningKey(Buffer.concat([ED25519_PKCS8_PREFIX, seed]).toString('base64'));
}
