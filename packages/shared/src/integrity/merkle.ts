import * as crypto from 'node:crypto';

/**
 * RFC 6962 §2.1 / RFC 9162 §2.1 Merkle tree hash over SHA-256.
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 ‖ d0)
 *   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two < n
 * Leaves of the audit log are the 32 raw bytes of each event hash, in `seq` order. The Buffer
 * functions take arbitrary leaf bytes (for the published test vectors); the hex ones sit on top.
 *
 * The tree is built bottom-up, pairing neighbours and carrying an unpaired last node up a level
 * unchanged; that is the same tree as the recursive split at the largest power of two.
 *
 * Speed: inner nodes are kept as 32-character latin1 ("binary") strings and hashed with the
 * one-shot crypto.hash (Node ≥ 20.12) from a reused scratch buffer, about 2.5× faster than a
 * createHash object and a Buffer per node; the Buffer API converts at the edges.
 */

type Bin = string; // 32 bytes as a latin1 string
const oneShot = (crypto as { hash?: (alg: string, data: Buffer, enc: 'binary') => string }).hash;
const sha256Bin: (data: Buffer) => Bin = oneShot
  ? (data) => oneShot('sha256', data, 'binary')
  : (data) => crypto.createHash('sha256').update(data).digest('binary');
const EMPTY = crypto.createHash('sha256').digest();
const leafScratch = Buffer.alloc(33); // 0x00 ‖ 32-byte leaf
const nodeScratch = Buffer.alloc(65, 1); // 0x01 ‖ left ‖ right (byte 0 is never overwritten)

function leafBin(leaf: Buffer): Bin {
  if (leaf.length !== 32) return sha256Bin(Buffer.concat([leafScratch.subarray(0, 1), leaf]));
  leaf.copy(leafScratch, 1);
  return sha256Bin(leafScratch);
}

function leafBinHex(hex: string): Bin {
  if (leafScratch.write(hex, 1, 'hex') !== 32 || hex.length !== 64) return leafBin(Buffer.from(hex, 'hex'));
  return sha256Bin(leafScratch);
}

function nodeBin(left: Bin, right: Bin): Bin {
  if (left.length !== 32 || right.length !== 32)
    return sha256Bin(
      Buffer.concat([nodeScratch.subarray(0, 1), Buffer.from(left, 'latin1'), Buffer.from(right, 'latin1')]),
    );
  nodeScratch.write(left, 1, 'latin1');
  nodeScratch.write(right, 33, 'latin1');
  return sha256Bin(nodeScratch);
}

const toBuffer = (b: Bin) => Buffer.from(b, 'latin1');
const toBin = (b: Buffer) => b.toString('latin1');

export function leafHash(leaf: Buffer): Buffer {
  return toBuffer(leafBin(leaf));
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return toBuffer(nodeBin(toBin(left), toBin(right)));
}

function nextLevel(level: Bin[]): Bin[] {
  const next: Bin[] = new Array(Math.ceil(level.length / 2));
  for (let i = 0; i + 1 < level.length; i += 2) next[i >> 1] = nodeBin(level[i]!, level[i + 1]!);
  if (level.length % 2 === 1) next[next.length - 1] = level[level.length - 1]!;
  return next;
}

function rootOf(level: Bin[]): Buffer {
  if (level.length === 0) return Buffer.from(EMPTY);
  while (level.length > 1) level = nextLevel(level);
  return toBuffer(level[0]!);
}

/** MTH of the leaves (raw bytes, not yet leaf-hashed). */
export function merkleRootOfLeaves(leaves: Buffer[]): Buffer {
  return rootOf(leaves.map(leafBin));
}

/** MTH of leaves given as hex (event hashes), without decoding each into a Buffer. */
export function merkleRootOfHexLeaves(leaves: string[]): Buffer {
  return rootOf(leaves.map(leafBinHex));
}

/** RFC 6962 PATH(m, D[n]): the sibling hashes from the leaf up to the root. */
export function inclusionPathOfLeaves(leaves: Buffer[], index: number): Buffer[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length)
    throw new RangeError(`leaf index ${index} is outside a tree of ${leaves.length}`);
  const path: Buffer[] = [];
  let level = leaves.map(leafBin);
  let i = index;
  while (level.length > 1) {
    const sibling = i ^ 1;
    if (sibling < level.length) path.push(toBuffer(level[sibling]!));
    level = nextLevel(level);
    i >>= 1;
  }
  return path;
}

/** RFC 9162 §2.1.3.2: the root an inclusion path implies, or null when the path cannot fit. */
export function rootFromInclusionOfLeaf(leaf: Buffer, index: number, size: number, path: Buffer[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  // Bit arithmetic on numbers would wrap at 2^31; trees that large are not ours, but stay exact.
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leafBin(leaf);
  for (const p of path) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeBin(toBin(p), r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeBin(r, toBin(p));
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? toBuffer(r) : null;
}

const HASH_HEX = /^[0-9a-f]{64}$/i;
const hexToBuffer = (hex: string) => Buffer.from(hex, 'hex');

/** Hex MTH of hex event hashes in seq order; the empty tree is SHA-256 of nothing. */
export function merkleRoot(eventHashes: string[]): string {
  return merkleRootOfHexLeaves(eventHashes).toString('hex');
}

/** Hex audit path of the event hash at `index`. */
export function inclusionPath(eventHashes: string[], index: number): string[] {
  return inclusionPathOfLeaves(eventHashes.map(hexToBuffer), index).map((b) => b.toString('hex'));
}

/** Hex root implied by an event hash, its index, the tree size and the path; null when it cannot fit. */
export function rootFromInclusion(eventHash: string, index: number, size: number, path: string[]): string | null {
  if (!HASH_HEX.test(eventHash) || !path.every((p) => HASH_HEX.test(p))) return null;
  return rootFromInclusionOfLeaf(hexToBuffer(eventHash), index, size, path.map(hexToBuffer))?.toString('hex') ?? null;
}
