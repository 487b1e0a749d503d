import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointHash,
  checkpointSigningInput,
  CheckpointSchema,
  purgeSigningInput,
  type CheckpointHeader,
} from './checkpoint.ts';
import { generateSigningKeyValue, keyIdOf, parseSigningKey, signText, verifyText } from './signing.ts';

const header: CheckpointHeader = {
  id: 'chk_1',
  workspaceId: 'ws_1',
  number: 2,
  count: 3,
  seqs: [
    { first: 4, last: 5 },
    { first: 7, last: 7 },
  ],
  from: 4,
  through: 7,
  root: 'ab'.repeat(32),
  previous: 'cd'.repeat(32),
  sealedAt: '2024-05-01T12:01:00.000Z',
  keyId: 'ed25519:0011223344556677',
};

describe('signing keys', () => {
  it('round-trips AUDIT_SIGNING_KEY as base64 DER and as PEM, with a stable key id', () => {
    const value = generateSigningKeyValue();
    const key = parseSigningKey(value);
    expect(Buffer.from(key.publicKey, 'base64')).toHaveLength(32);
    expect(key.keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(key.keyId).toBe(keyIdOf(key.publicKey));
    const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(parseSigningKey(pem).publicKey).toBe(key.publicKey);
    expect(parseSigningKey(`  ${value}\n`).keyId).toBe(key.keyId);
  });

  it('refuses other key types and garbage with a clear message', () => {
    const rsa = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    expect(() => parseSigningKey(rsa)).toThrow(/must be an Ed25519 key, not ec/);
    expect(() => parseSigningKey('not a key')).toThrow(/AUDIT_SIGNING_KEY is not a PKCS#8/);
  });

  it('signs and verifies; any change to text, signature or key fails without throwing', () => {
    const key = parseSigningKey(generateSigningKeyValue());
    const other = parseSigningKey(generateSigningKeyValue());
    const sig = signText('hello', key);
    expect(verifyText('hello', sig, key.publicKey)).toBe(true);
    expect(verifyText('hellp', sig, key.publicKey)).toBe(false);
    expect(verifyText('hello', sig, other.publicKey)).toBe(false);
    expect(verifyText('hello', signText('hello', other), key.publicKey)).toBe(false);
    expect(verifyText('hello', 'AAAA', key.publicKey)).toBe(false);
    expect(verifyText('hello', sig, 'short')).toBe(false);
  });
});

describe('checkpoint encoding', () => {
  it('signs the canonical header only and hashes header plus signature, ignoring extra properties', () => {
    expect(checkpointSigningInput(header)).toBe(
      `{"count":3,"from":4,"id":"chk_1","keyId":"ed25519:0011223344556677","number":2,"previous":"${'cd'.repeat(32)}","root":"${'ab'.repeat(32)}","sealedAt":"2024-05-01T12:01:00.000Z","seqs":[{"first":4,"last":5},{"first":7,"last":7}],"through":7,"workspaceId":"ws_1"}`,
    );
    const c = { ...header, signature: 'c2ln' };
    const withExtras = { ...c, type: 'checkpoint', leaves: ['00'], _id: 'x' };
    expect(checkpointSigningInput(withExtras)).toBe(checkpointSigningInput(header));
    expect(checkpointHash(withExtras)).toBe(checkpointHash(c));
    expect(checkpointHash({ ...c, signature: 'c2lo' })).not.toBe(checkpointHash(c));
    expect(CheckpointSchema.parse(withExtras)).toEqual(c);
    expect(
      purgeSigningInput({
        id: 'prg_1',
        workspaceId: 'ws_1',
        runId: 'ret_1',
        cutoff: 'a',
        seqs: [{ first: 1, last: 2 }],
        count: 2,
        createdAt: 'b',
        keyId: 'k',
        signature: 's',
      } as never),
    ).toBe(
      '{"count":2,"createdAt":"b","cutoff":"a","id":"prg_1","keyId":"k","runId":"ret_1","seqs":[{"first":1,"last":2}],"workspaceId":"ws_1"}',
    );
  });
});
