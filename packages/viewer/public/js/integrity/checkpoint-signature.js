// @ts-check
// A checkpoint is signed with Ed25519 over the RFC 8785 canonical JSON of its eleven header
// fields (all but `signature`); the public keys are published at /.well-known/audit-log-keys.json by key id.
import { fromBase64, utf8 } from './bytes.js';

/**
 * @typedef {{ id: string, workspaceId: string, number: number, count: number, seqs: { first: number, last: number }[], from: number, through: number,
 *   root: string, previous: string | null, sealedAt: string, keyId: string, signature: string }} Checkpoint
 */

/** The browser has no Ed25519 in Web Crypto. */
export class Ed25519Unsupported extends Error {}

/** The signed fields: everything but `signature`, and only these, whatever else a copy carries. */
export const HEADER_FIELDS = /** @type {const} */ ([
  'id',
  'workspaceId',
  'number',
  'count',
  'seqs',
  'from',
  'through',
  'root',
  'previous',
  'sealedAt',
  'keyId',
]);

/** @param {Checkpoint} checkpoint @param {import('./event-hash.js').Canonicalize} canonicalize @returns {string} */
export function signingInput(checkpoint, canonicalize) {
  /** @type {Record<string, unknown>} */
  const header = {};
  for (const f of HEADER_FIELDS) header[f] = checkpoint[f];
  const text = canonicalize(header);
  if (text === undefined) throw new Error('the checkpoint has no canonical JSON form');
  return text;
}

/**
 * Whether the checkpoint's signature verifies under this raw Ed25519 public key. A key or a
 * signature that cannot be read does not verify; a browser without Ed25519 throws Ed25519Unsupported.
 * @param {Checkpoint} checkpoint @param {string} publicKeyB64 base64 of the raw 32-byte key
 * @param {import('./event-hash.js').Canonicalize} canonicalize @param {SubtleCrypto} subtle @returns {Promise<boolean>}
 */
export async function verifyCheckpointSignature(checkpoint, publicKeyB64, canonicalize, subtle) {
  let raw, signature;
  try {
    raw = fromBase64(publicKeyB64);
    signature = fromBase64(checkpoint.signature);
  } catch {
    return false;
  }
  if (raw.length !== 32 || signature.length !== 64) return false;
  let key;
  try {
    key = await subtle.importKey('raw', /** @type {BufferSource} */ (raw), { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    if (err instanceof Error && err.name === 'NotSupportedError')
      throw new Ed25519Unsupported('this browser cannot verify Ed25519');
    return false;
  }
  try {
    return await subtle.verify(
      { name: 'Ed25519' },
      key,
      /** @type {BufferSource} */ (signature),
      /** @type {BufferSource} */ (utf8(signingInput(checkpoint, canonicalize))),
    );
  } catch (err) {
    if (err instanceof Error && err.name === 'NotSupportedError')
      throw new Ed25519Unsupported('this browser cannot verify Ed25519');
    return false;
  }
}
