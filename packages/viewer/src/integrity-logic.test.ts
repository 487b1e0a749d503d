import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@audit/shared/integrity/canonical';
import { checkpointSigningInput, type Checkpoint, type CheckpointHeader } from '@audit/shared/integrity/checkpoint';
import { eventHash, type HashableEvent } from '@audit/shared/integrity/event-hash';
import { inclusionPath, merkleRoot } from '@audit/shared/integrity/merkle';
import { toRanges } from '@audit/shared/integrity/seq-ranges';
import { generateSigningKeyValue, parseSigningKey, signText, type SigningKey } from '@audit/shared/integrity/signing';
import { canonicalizeFile, VIEWER_DIR, viewerRoutes } from './index.ts';

// The page's integrity modules are plain JS for the browser; they run here unchanged, on Node's
// Web Crypto, against the service's own core.
const load = async <T>(file: string) =>
  (await import(pathToFileURL(join(VIEWER_DIR, 'js', 'integrity', file)).href)) as T;

type Canonicalize = (value: unknown) => string | undefined;
type SubtleCrypto = webcrypto.SubtleCrypto;
type WireEvent = Omit<HashableEvent, 'occurredAt' | 'recordedAt'> & {
  occurredAt: string;
  recordedAt: string;
  hash?: string | null;
};
type Proof =
  | { eventId: string; hash: string | null; seq: number; sealed: false }
  | {
      eventId: string;
      hash: string | null;
      seq: number;
      sealed: true;
      checkpoint: Checkpoint;
      leafIndex: number;
      treeSize: number;
      path: string[];
    };
type Verdict = { state: string; text: string; problems: string[] };

const subtle = globalThis.crypto.subtle;
/** Exactly the file the page loads from /vendor/canonicalize.js. */
const { default: canonicalize } = (await import(pathToFileURL(canonicalizeFile()).href)) as { default: Canonicalize };
const bytes = await load<{
  fromHex(h: string): Uint8Array;
  toHex(b: Uint8Array): string;
  fromBase64(s: string): Uint8Array;
}>('bytes.js');
const merkle = await load<{
  merkleRoot(s: SubtleCrypto, hashes: string[]): Promise<string>;
  rootFromInclusion(s: SubtleCrypto, hash: string, index: number, size: number, path: string[]): Promise<string | null>;
}>('merkle.js');
const hashing = await load<{
  HASHED_FIELDS: string[];
  hashInput(e: WireEvent, c: Canonicalize): string;
  eventHash(e: WireEvent, c: Canonicalize, s: SubtleCrypto): Promise<string>;
}>('event-hash.js');
const signature = await load<{
  signingInput(c: Checkpoint, k: Canonicalize): string;
  verifyCheckpointSignature(c: Checkpoint, key: string, k: Canonicalize, s: SubtleCrypto): Promise<boolean>;
}>('checkpoint-signature.js');
const proofs = await load<{
  UNSEALED: string;
  positionOf(seqs: { first: number; last: number }[], seq: number): number;
  verifyProof(
    e: WireEvent,
    p: Proof,
    keys: { keyId: string; publicKey: string }[] | null,
    o: { canonicalize: Canonicalize; subtle: SubtleCrypto; showTime?: (iso: string) => string },
  ): Promise<Verdict>;
}>('verify-proof.js');

/** A small seeded generator: the same "random" cases on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}
const hex32 = (r: () => number) =>
  Array.from({ length: 32 }, () =>
    Math.floor(r() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');

const ODD_VALUES: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e-7,
  123456789.125,
  2 ** 53 + 2,
  -1.5e-300,
  5e-324,
  true,
  false,
  null,
  '',
  'é',
  '\u2028',
  'tab\there',
  '"quoted" \\ back',
  '😀 emoji',
  'ÿ\u0000\u001f',
  [],
  {},
  [1, 'two', [3]],
  { b: 1, a: 2, A: 3, é: 4, '😀': 5, '\uffff': 6 },
];

function randomEvent(r: () => number, i: number): HashableEvent {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const metadata: Record<string, unknown> = {};
  for (let k = 0, n = Math.floor(r() * 6); k < n; k++)
    metadata[pick(['reason', 'ticket', 'z', 'a', 'é', '10', '2', 'nested', 'Ω'])] = pick(ODD_VALUES);
  const at = Date.UTC(2026, 10, 30, 5, 0, 0) + Math.floor(r() * 1e9);
  return {
    id: `evt_${i}`,
    workspaceId: 'ws_a',
    organizationId: 'org_a',
    seq: i + 1,
    category: pick(['lock', 'auth', 'audit']),
    action: pick(['created', 'oidc_token_exchange_failure']),
    actor:
      r() < 0.5
        ? { type: 'user', id: `usr_${i}`, name: pick(['Ada', 'Zoë', '李']), email: 'a@example.com' }
        : { type: 'system', id: 'audit-log' },
    target:
      r() < 0.3
        ? null
        : r() < 0.5
          ? { type: 'stack', id: `stk_${i}` }
          : { type: 'stack', id: `stk_${i}`, name: pick(['prod vpc', '']) },
    description: r() < 0.3 ? null : pick(['Locked', 'line\nbreak', '']),
    metadata,
    occurredAt: new Date(at),
    recordedAt: new Date(at + Math.floor(r() * 5000)),
    context: r() < 0.5 ? {} : { ip: '203.0.113.9', requestId: `req_${i}` },
  };
}

/** The event as events.get sends it: through JSON, with the API's extra fields. */
function overTheWire(e: HashableEvent): WireEvent {
  return { ...(JSON.parse(JSON.stringify(e)) as WireEvent), idempotencyKey: null, hash: eventHash(e) } as WireEvent;
}

describe('the browser canonicalization is the service’s', () => {
  it('serves the canonicalize package’s own ES module, under the page’s CSP', async () => {
    const app = express().use(viewerRoutes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/vendor/canonicalize.js`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const text = await res.text();
      expect(text).toMatch(/export default function canonicalize/);
      // No import of its own: the browser loads it as it is.
      expect(text).not.toMatch(/^\s*import\s/m);
    } finally {
      server.close();
    }
  });

  it('gives the same text as the core for odd JSON values', () => {
    for (const v of ODD_VALUES) expect(canonicalize(JSON.parse(JSON.stringify(v)))).toBe(canonicalJson(v));
    // A `__proto__` key parsed from JSON is an own property, and hashed like any other.
    expect(canonicalize(JSON.parse('{"__proto__":{"x":1},"a":[1e21,0.000001]}'))).toBe(
      '{"__proto__":{"x":1},"a":[1e+21,0.000001]}',
    );
  });
});

describe('event hash', () => {
  it('recomputes the core’s eventHash from what the API returns, for random events', async () => {
    const r = rng(12);
    expect(hashing.HASHED_FIELDS).toHaveLength(13);
    for (let i = 0; i < 300; i++) {
      const e = randomEvent(r, i);
      const wire = overTheWire(e);
      expect(await hashing.eventHash(wire, canonicalize, subtle)).toBe(eventHash(e));
    }
  });

  it('changes when any hashed field changes, and ignores the fields outside the hash', async () => {
    const e = overTheWire(randomEvent(rng(3), 7));
    const base = await hashing.eventHash(e, canonicalize, subtle);
    expect(
      await hashing.eventHash(
        { ...e, hasMetadata: true, workspaceName: 'x', idempotencyKey: 'k' } as WireEvent,
        canonicalize,
        subtle,
      ),
    ).toBe(base);
    expect(
      await hashing.eventHash({ ...e, metadata: { ...e.metadata, reason: 'tampered' } }, canonicalize, subtle),
    ).not.toBe(base);
    expect(
      await hashing.eventHash(
        { ...e, recordedAt: new Date(Date.parse(e.recordedAt) + 1).toISOString() },
        canonicalize,
        subtle,
      ),
    ).not.toBe(base);
    expect(await hashing.eventHash({ ...e, seq: e.seq + 1 }, canonicalize, subtle)).not.toBe(base);
    // The same instant written another way is the same event.
    expect(
      await hashing.eventHash(
        { ...e, occurredAt: new Date(e.occurredAt).toISOString().replace('Z', '+00:00') },
        canonicalize,
        subtle,
      ),
    ).toBe(base);
  });
});

describe('merkle tree (RFC 6962)', () => {
  it('has the core’s root, and every core inclusion path leads the browser to it', async () => {
    const r = rng(99);
    expect(await merkle.merkleRoot(subtle, [])).toBe(merkleRoot([]));
    for (let n = 1; n <= 40; n++) {
      const hashes = Array.from({ length: n }, () => hex32(r));
      const root = merkleRoot(hashes);
      expect(await merkle.merkleRoot(subtle, hashes)).toBe(root);
      for (let i = 0; i < n; i++)
        expect(await merkle.rootFromInclusion(subtle, hashes[i]!, i, n, inclusionPath(hashes, i))).toBe(root);
    }
    for (const n of [127, 128, 129, 1000]) {
      const hashes = Array.from({ length: n }, () => hex32(r));
      const root = merkleRoot(hashes);
      for (const i of [0, 1, n - 2, n - 1, Math.floor(n / 2), Math.floor(r() * n)]) {
        expect(await merkle.rootFromInclusion(subtle, hashes[i]!, i, n, inclusionPath(hashes, i))).toBe(root);
      }
    }
  });

  it('finds no root, or another one, for a path that does not fit', async () => {
    const r = rng(5);
    const hashes = Array.from({ length: 13 }, () => hex32(r));
    const root = merkleRoot(hashes);
    const path = inclusionPath(hashes, 6);
    expect(await merkle.rootFromInclusion(subtle, hashes[6]!, 6, 13, path.slice(0, -1))).toBeNull();
    expect(await merkle.rootFromInclusion(subtle, hashes[6]!, 6, 13, [...path, hex32(r)])).toBeNull();
    expect(await merkle.rootFromInclusion(subtle, hashes[6]!, 13, 13, path)).toBeNull();
    expect(await merkle.rootFromInclusion(subtle, hashes[6]!, -1, 13, path)).toBeNull();
    expect(await merkle.rootFromInclusion(subtle, hashes[6]!, 7, 13, path)).not.toBe(root);
    expect(await merkle.rootFromInclusion(subtle, hashes[5]!, 6, 13, path)).not.toBe(root);
    const flipped = path.map((p, i) => (i === 1 ? `${p.slice(0, 10)}${p[10] === '0' ? '1' : '0'}${p.slice(11)}` : p));
    expect(await merkle.rootFromInclusion(subtle, hashes[6]!, 6, 13, flipped)).not.toBe(root);
  });

  it('gives the RFC 6962 leaf and node hashes', async () => {
    // MTH of one leaf is SHA-256(0x00 ‖ leaf); of two, SHA-256(0x01 ‖ l ‖ r).
    const a = '00'.repeat(32);
    const b = 'ff'.repeat(32);
    const sha = async (hex: string) => bytes.toHex(new Uint8Array(await subtle.digest('SHA-256', bytes.fromHex(hex))));
    const la = await sha(`00${a}`);
    const lb = await sha(`00${b}`);
    expect(await merkle.merkleRoot(subtle, [a])).toBe(la);
    expect(await merkle.merkleRoot(subtle, [a, b])).toBe(await sha(`01${la}${lb}`));
  });
});

function keyPair(): SigningKey {
  return parseSigningKey(generateSigningKeyValue());
}

function sealed(events: HashableEvent[], key: SigningKey, number = 1): Checkpoint {
  const hashes = events.map(eventHash);
  const header: CheckpointHeader = {
    id: 'chk_01',
    workspaceId: 'ws_a',
    number,
    count: events.length,
    seqs: toRanges(events.map((e) => e.seq)),
    from: events[0]!.seq,
    through: events[events.length - 1]!.seq,
    root: merkleRoot(hashes),
    previous: number === 1 ? null : 'ab'.repeat(32),
    sealedAt: '2026-11-30T05:01:00.000Z',
    keyId: key.keyId,
  };
  return { ...header, signature: signText(checkpointSigningInput(header), key) };
}

describe('checkpoint signature (Ed25519)', () => {
  const key = keyPair();
  const events = Array.from({ length: 5 }, (_, i) => randomEvent(rng(i), i));
  const cp = sealed(events, key);

  it('signs the same text as the core', () => {
    expect(signature.signingInput(cp, canonicalize)).toBe(checkpointSigningInput(cp));
    // Whatever else a copy carries is not signed.
    expect(signature.signingInput({ ...cp, leaves: ['00'], type: 'checkpoint' } as Checkpoint, canonicalize)).toBe(
      checkpointSigningInput(cp),
    );
  });

  it('verifies a signature made with node:crypto, and no other', async () => {
    expect(await signature.verifyCheckpointSignature(cp, key.publicKey, canonicalize, subtle)).toBe(true);
    const sig = Buffer.from(cp.signature, 'base64');
    sig[10]! ^= 0x01;
    expect(
      await signature.verifyCheckpointSignature(
        { ...cp, signature: sig.toString('base64') },
        key.publicKey,
        canonicalize,
        subtle,
      ),
    ).toBe(false);
    expect(
      await signature.verifyCheckpointSignature({ ...cp, root: merkleRoot([]) }, key.publicKey, canonicalize, subtle),
    ).toBe(false);
    expect(await signature.verifyCheckpointSignature({ ...cp, number: 2 }, key.publicKey, canonicalize, subtle)).toBe(
      false,
    );
    expect(await signature.verifyCheckpointSignature(cp, keyPair().publicKey, canonicalize, subtle)).toBe(false);
    expect(
      await signature.verifyCheckpointSignature(
        { ...cp, signature: 'not base64!' },
        key.publicKey,
        canonicalize,
        subtle,
      ),
    ).toBe(false);
    expect(
      await signature.verifyCheckpointSignature(cp, Buffer.alloc(31).toString('base64'), canonicalize, subtle),
    ).toBe(false);
    // A key made by node:crypto itself, outside the core, verifies the same way.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    const other = sealed(events, { keyId: 'ed25519:other', publicKey: raw, privateKey });
    expect(await signature.verifyCheckpointSignature(other, raw, canonicalize, subtle)).toBe(true);
  });
});

describe('an event’s proof, verified as the page does it', () => {
  const key = keyPair();
  const keys = [{ keyId: key.keyId, algorithm: 'Ed25519', publicKey: key.publicKey, status: 'active' }];
  // Seqs skip (a claim left unused), so a leaf index is not seq - 1.
  const events = Array.from({ length: 11 }, (_, i) => ({
    ...randomEvent(rng(100 + i), i),
    seq: i < 4 ? i + 1 : i + 3,
  }));
  const hashes = events.map(eventHash);
  const cp = sealed(events, key, 3);
  const at = 6;
  const event = overTheWire(events[at]!);
  const proof: Proof = {
    eventId: event.id,
    hash: hashes[at]!,
    seq: event.seq,
    sealed: true,
    checkpoint: cp,
    leafIndex: at,
    treeSize: events.length,
    path: inclusionPath(hashes, at),
  };
  const verify = (e: WireEvent, p: Proof, k: typeof keys | null = keys, s: SubtleCrypto = subtle) =>
    proofs.verifyProof(e, p, k, { canonicalize, subtle: s, showTime: (iso) => `at ${iso}` });

  it('says verified, with the checkpoint and when it was sealed', async () => {
    expect(await verify(event, proof)).toEqual({
      state: 'verified',
      text: 'Verified in checkpoint #3, sealed at 2026-11-30T05:01:00.000Z',
      problems: [],
    });
    for (let i = 0; i < events.length; i++) {
      const p = {
        ...proof,
        eventId: events[i]!.id,
        hash: hashes[i]!,
        seq: events[i]!.seq,
        leafIndex: i,
        path: inclusionPath(hashes, i),
      };
      expect((await verify(overTheWire(events[i]!), p)).state).toBe('verified');
    }
  });

  it('says when the event is not sealed yet', async () => {
    expect(await verify(event, { eventId: event.id, hash: proof.hash, seq: event.seq, sealed: false })).toMatchObject({
      state: 'unsealed',
      text: proofs.UNSEALED,
    });
    expect(proofs.UNSEALED).toMatch(/^Not sealed yet: .*within about a minute/);
  });

  it('names a changed event: its hash no longer matches its contents', async () => {
    const tampered = { ...event, metadata: { ...event.metadata, reason: 'nothing to see' } };
    expect(await verify(tampered, proof)).toEqual({
      state: 'failed',
      text: 'Verification failed: event hash does not match its contents',
      problems: ['event hash does not match its contents'],
    });
    expect((await verify({ ...event, hash: hashes[0]! }, proof)).problems).toEqual([
      'event hash does not match its contents',
    ]);
    // The stored hash rewritten to match: the contents are no longer what was sealed.
    const rehashed = { ...proof, hash: eventHash({ ...events[at]!, metadata: tampered.metadata }) };
    expect((await verify({ ...tampered, hash: rehashed.hash }, rehashed)).problems).toEqual([
      "not included in checkpoint #3's root",
    ]);
    expect((await verify(tampered, rehashed)).problems).toEqual([
      'event hash does not match its contents',
      "not included in checkpoint #3's root",
    ]);
  });

  it('verifies an event stored before hashing by its recomputed hash', async () => {
    expect((await verify({ ...event, hash: null }, { ...proof, hash: null })).state).toBe('verified');
    expect((await verify({ ...event, hash: null, metadata: { x: 1 } }, { ...proof, hash: null })).problems).toEqual([
      "not included in checkpoint #3's root",
    ]);
  });

  it('names a forged event with a self-consistent hash: not in the checkpoint’s root', async () => {
    const forged = { ...events[at]!, description: 'Forged' };
    const p = { ...proof, hash: eventHash(forged) };
    expect((await verify({ ...overTheWire(forged) }, p)).problems).toEqual(["not included in checkpoint #3's root"]);
    // A path for another leaf, a wrong index, a tree size other than the checkpoint's count.
    expect((await verify(event, { ...proof, path: inclusionPath(hashes, at - 1) })).problems).toEqual([
      "not included in checkpoint #3's root",
    ]);
    expect((await verify(event, { ...proof, leafIndex: at + 1 })).problems).toEqual([
      "not included in checkpoint #3's root",
    ]);
    expect((await verify(event, { ...proof, treeSize: events.length + 1 })).problems).toEqual([
      "not included in checkpoint #3's root",
    ]);
  });

  it('names a bad signature, and an unknown key by its id', async () => {
    const rewritten = { ...proof, checkpoint: { ...cp, sealedAt: '2026-11-30T06:00:00.000Z' } };
    expect(await verify(event, rewritten)).toMatchObject({ state: 'failed', problems: ['signature does not verify'] });
    const other = keyPair();
    const resigned = {
      ...proof,
      checkpoint: {
        ...cp,
        keyId: other.keyId,
        signature: signText(checkpointSigningInput({ ...cp, keyId: other.keyId }), other),
      },
    };
    expect(await verify(event, resigned)).toMatchObject({
      state: 'failed',
      text: `Verification failed: unknown signing key ${other.keyId}`,
    });
    expect(other.keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);
  });

  it('says when this browser cannot verify Ed25519, or the keys could not be read, without calling it tampered', async () => {
    const noEd25519 = new Proxy(subtle, {
      get(target, prop) {
        if (prop === 'importKey')
          return async () => {
            throw new DOMException('Unrecognized algorithm name', 'NotSupportedError');
          };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    expect(await verify(event, proof, keys, noEd25519)).toMatchObject({
      state: 'unverified',
      text: expect.stringMatching(
        /^Not verified: this browser cannot verify Ed25519\. The event's hash and its inclusion in checkpoint #3 check out\.$/,
      ),
    });
    expect(await verify(event, proof, null)).toMatchObject({
      state: 'unverified',
      text: expect.stringContaining('the published signing keys could not be loaded'),
    });
    // What can be checked still is: a changed event fails all the same.
    expect((await verify({ ...event, seq: event.seq + 1 }, proof, keys, noEd25519)).state).toBe('failed');
  });

  it('places a seq among the checkpoint’s ranges', () => {
    const seqs = toRanges([1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13]);
    expect(seqs).toEqual([
      { first: 1, last: 4 },
      { first: 7, last: 13 },
    ]);
    expect(proofs.positionOf(seqs, 1)).toBe(0);
    expect(proofs.positionOf(seqs, 4)).toBe(3);
    expect(proofs.positionOf(seqs, 7)).toBe(4);
    expect(proofs.positionOf(seqs, 13)).toBe(10);
    expect(proofs.positionOf(seqs, 5)).toBe(-1);
    expect(proofs.positionOf(seqs, 14)).toBe(-1);
  });
});
