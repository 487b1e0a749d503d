import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/** An Ed25519 key that signs checkpoints and purge records. */
export interface SigningKey {
  keyId: string;
  /** Base64 of the raw 32-byte public key. */
  publicKey: string;
  privateKey: KeyObject;
}

/** A fresh `AUDIT_SIGNING_KEY` value: base64 of the PKCS#8 DER Ed25519 private key. */
export function generateSigningKeyValue(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/** Parses an `AUDIT_SIGNING_KEY`: base64 PKCS#8 DER, or a PEM `-----BEGIN PRIVATE KEY-----` block. */
export function parseSigningKey(value: string): SigningKey {
  const text = value.trim();
  let privateKey: KeyObject;
  try {
    privateKey = text.startsWith('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error(
      'AUDIT_SIGNING_KEY is not a PKCS#8 private key (expected base64 DER or a PEM "BEGIN PRIVATE KEY" block)',
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`AUDIT_SIGNING_KEY must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x!, 'base64url').toString('base64');
  return { keyId: keyIdOf(publicKey), publicKey, privateKey };
}

/** `ed25519:` + the first 16 hex characters of SHA-256 of the raw public key. */
export function keyIdOf(publicKeyB64: string): string {
  return `ed25519:${createHash('sha256').update(Buffer.from(publicKeyB64, 'base64')).digest('hex').slice(0, 16)}`;
}

/** Base64 Ed25519 signature of the UTF-8 bytes of `input`. */
export function signText(input: string, key: SigningKey): string {
  return sign(null, Buffer.from(input, 'utf8'), key.privateKey).toString('base64');
}

const publicKeys = new Map<string, KeyObject | null>();

function publicKeyObject(publicKeyB64: string): KeyObject | null {
  let key = publicKeys.get(publicKeyB64);
  if (key === undefined) {
    const raw = Buffer.from(publicKeyB64, 'base64');
    try {
      key =
        raw.length === 32
          ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' })
          : null;
    } catch {
      key = null;
    }
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(publicKeyB64, key);
  }
  return key;
}

/** Whether `signatureB64` is a valid Ed25519 signature of `input` by the raw public key. Never throws. */
export function verifyText(input: string, signatureB64: string, publicKeyB64: string): boolean {
  try {
    const key = publicKeyObject(publicKeyB64);
    const signature = Buffer.from(signatureB64, 'base64');
    if (!key || signature.length !== 64) return false;
    return verify(null, Buffer.from(input, 'utf8'), key, signature);
  } catch {
    return false;
  }
}
