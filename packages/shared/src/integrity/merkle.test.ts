import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inclusionPath,
  inclusionPathOfLeaves,
  leafHash,
  merkleRoot,
  merkleRootOfLeaves,
  nodeHash,
  rootFromInclusion,
  rootFromInclusionOfLeaf,
} from './merkle.ts';

// Published RFC 6962 vectors (transparency-dev/merkle testonly/constants.go and proof/verify_test.go).
const hd = (h: string) => Buffer.from(h, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  hd,
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
// [index (0-based), tree size, path]
const PATHS: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

/** RFC 6962 §2.1 as written: the recursive definition, for comparison. */
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return leafHash(d[0]!);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}

describe('RFC 6962 Merkle tree', () => {
  it('reproduces the published leaf hashes and the root of every size 0–8', () => {
    LEAVES.forEach((l, i) => expect(leafHash(l).toString('hex')).toBe(LEAF_HASHES[i]));
    for (let n = 0; n <= 8; n++) expect(merkleRootOfLeaves(LEAVES.slice(0, n)).toString('hex')).toBe(ROOTS[n]);
  });

  it('produces and checks the published inclusion paths', () => {
    for (const [index, size, path] of PATHS) {
      const tree = LEAVES.slice(0, size);
      expect(inclusionPathOfLeaves(tree, index).map((b) => b.toString('hex'))).toEqual(path);
      expect(rootFromInclusionOfLeaf(tree[index]!, index, size, path.map(hd))?.toString('hex')).toBe(ROOTS[size]);
      // Wrong index, size, a bit flipped, a component removed or added: never the root.
      const wrong = [
        rootFromInclusionOfLeaf(tree[index]!, index ^ 1, size, path.map(hd)),
        rootFromInclusionOfLeaf(tree[index]!, index, size * 2, path.map(hd)),
        rootFromInclusionOfLeaf(tree[index]!, index, size, [...path.map(hd), hd(ROOTS[size]!)]),
        rootFromInclusionOfLeaf(Buffer.from('WrongLeaf'), index, size, path.map(hd)),
        ...path.map((_, i) =>
          rootFromInclusionOfLeaf(
            tree[index]!,
            index,
            size,
            path.map((p, j) =>
              j === i
                ? Buffer.from(
                    p.replace(/^./, (c) => (parseInt(c, 16) ^ 8).toString(16)),
                    'hex',
                  )
                : hd(p),
            ),
          ),
        ),
        ...(path.length > 0 ? [rootFromInclusionOfLeaf(tree[index]!, index, size, path.slice(0, -1).map(hd))] : []),
      ];
      for (const r of wrong) expect(r?.toString('hex') ?? null).not.toBe(ROOTS[size]);
    }
    expect(rootFromInclusionOfLeaf(LEAVES[0]!, 1, 1, [])).toBeNull();
    expect(rootFromInclusionOfLeaf(LEAVES[0]!, 0, 0, [])).toBeNull();
  });

  it('agrees with the recursive definition for every size up to 70', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from([i, (i * 7) % 256]));
    for (let n = 0; n <= 70; n++)
      expect(merkleRootOfLeaves(leaves.slice(0, n)).equals(mth(leaves.slice(0, n)))).toBe(true);
  });

  it('hex API: event hashes are hex-decoded leaves; the empty tree is SHA-256 of nothing', () => {
    const hashes = LEAVES.map((l) => createHash('sha256').update(l).digest('hex'));
    expect(merkleRoot(hashes)).toBe(mth(hashes.map(hd)).toString('hex'));
    expect(merkleRoot([])).toBe(ROOTS[0]);
    expect(rootFromInclusion(hashes[3]!, 3, 8, inclusionPath(hashes, 3))).toBe(merkleRoot(hashes));
    expect(rootFromInclusion(hashes[3]!, 3, 8, ['nothex'])).toBeNull();
    expect(rootFromInclusion(hashes[3]!, 3, 8, inclusionPath(hashes, 3).slice(1))).toBeNull();
  });

  it('property: every path verifies at every index; any tampered leaf, index or path element fails', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (raw, seed, pick, bit) => {
          const leaves = raw.map((a) => Buffer.from(a));
          const root = merkleRootOfLeaves(leaves);
          for (let i = 0; i < leaves.length; i++) {
            const path = inclusionPathOfLeaves(leaves, i);
            expect(rootFromInclusionOfLeaf(leaves[i]!, i, leaves.length, path)?.equals(root)).toBe(true);
          }
          const i = seed % leaves.length;
          const path = inclusionPathOfLeaves(leaves, i);
          const flip = (b: Buffer) => {
            const c = Buffer.from(b);
            c[bit % c.length] = c[bit % c.length]! ^ (1 << (bit % 8));
            return c;
          };
          expect(rootFromInclusionOfLeaf(flip(leaves[i]!), i, leaves.length, path)?.equals(root) ?? false).toBe(false);
          if (path.length > 0) {
            const j = pick % path.length;
            expect(
              rootFromInclusionOfLeaf(
                leaves[i]!,
                i,
                leaves.length,
                path.map((p, k) => (k === j ? flip(p) : p)),
              )?.equals(root) ?? false,
            ).toBe(false);
          }
          if (leaves.length > 1) {
            const other = (i + 1 + (pick % (leaves.length - 1))) % leaves.length;
            if (!leaves[other]!.equals(leaves[i]!))
              expect(rootFromInclusionOfLeaf(leaves[i]!, other, leaves.length, path)?.equals(root) ?? false).toBe(
                false,
              );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
