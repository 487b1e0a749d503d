// @ts-check
// RFC 6962 §2.1 / RFC 9162 §2.1 Merkle trees over event hashes: each leaf's data is the 32 raw
// bytes of one event hash; leaf hash SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right).
import { concat, fromHex, sha256, toHex } from './bytes.js';

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

/** @param {SubtleCrypto} subtle @param {Uint8Array} data */
export function leafHash(subtle, data) {
  return sha256(subtle, concat(LEAF, data));
}

/** @param {SubtleCrypto} subtle @param {Uint8Array} left @param {Uint8Array} right */
export function nodeHash(subtle, left, right) {
  return sha256(subtle, concat(NODE, left, right));
}

/**
 * The tree head of a list of event hashes (hex, in seq order): RFC 6962 MTH, splitting at the
 * largest power of two below n; the empty tree is SHA-256 of nothing.
 * @param {SubtleCrypto} subtle @param {string[]} eventHashes @returns {Promise<string>} hex
 */
export async function merkleRoot(subtle, eventHashes) {
  if (eventHashes.length === 0) return toHex(await sha256(subtle, new Uint8Array(0)));
  /** @type {Uint8Array[]} */
  let level = await Promise.all(eventHashes.map((h) => leafHash(subtle, fromHex(h))));
  // Pairing left to right, carrying an odd last node up unchanged, builds the same tree as the
  // recursive split at the largest power of two.
  while (level.length > 1) {
    /** @type {Promise<Uint8Array>[]} */
    const next = [];
    for (let i = 0; i + 1 < level.length; i += 2)
      next.push(nodeHash(subtle, /** @type {Uint8Array} */ (level[i]), /** @type {Uint8Array} */ (level[i + 1])));
    const odd = level.length % 2 === 1 ? level[level.length - 1] : undefined;
    level = await Promise.all(next);
    if (odd) level.push(odd);
  }
  return toHex(/** @type {Uint8Array} */ (level[0]));
}

/**
 * The root an inclusion path leads to from one event hash (RFC 9162 §2.1.3.2), or null when the
 * path cannot be one for this index and tree size (too short, too long, index out of range).
 * @param {SubtleCrypto} subtle @param {string} eventHash hex @param {number} index @param {number} size
 * @param {string[]} path hex, leaf side first @returns {Promise<string | null>} hex
 */
export async function rootFromInclusion(subtle, eventHash, index, size, path) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = await leafHash(subtle, fromHex(eventHash));
  for (const hex of path) {
    if (sn === 0) return null;
    const p = fromHex(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(subtle, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(subtle, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? toHex(r) : null;
}
