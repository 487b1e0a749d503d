import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decryptSecret, encryptionKeyFrom, encryptSecret, sealContext } from './secret-box.ts';
import { generateSigningSecret, isSigningSecret, secretHint, signatureFor, signWebhook } from './webhook-signing.ts';

describe('Standard Webhooks signing', () => {
  it('matches the specification example', () => {
    // The example from the Standard Webhooks specification and its reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const sig = signatureFor(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies with the public library, with either secret during a rotation', () => {
    const [a, b] = [generateSigningSecret(), generateSigningSecret()];
    expect(isSigningSecret(a)).toBe(true);
    const now = new Date();
    const body = JSON.stringify({ hello: 'wörld' });
    const headers = signWebhook([b, a], 'aud_1', Math.floor(now.getTime() / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(a).verify(body, { ...headers })).toEqual({ hello: 'wörld' });
    expect(new Webhook(b).verify(body, { ...headers })).toEqual({ hello: 'wörld' });
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(a).verify(`${body} `, { ...headers })).toThrow();
    expect(secretHint(a)).toBe(`${a.slice(0, 10)}…`);
  });
});

describe('signing through the standardwebhooks library', () => {
  afterEach(() => vi.useRealTimers());

  // The hand-written HMAC this module used before, kept as the reference the library must match.
  function previousAlgorithm(secret: string, id: string, ts: number, body: Uint8Array): string {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    return `v1,${createHmac('sha256', key).update(`${id}.${ts}.`, 'utf8').update(body).digest('base64')}`;
  }

  it('gives the old output on a fixed vector, as string or UTF-8 bytes, and verifies', () => {
    const [secret, rotated] = [
      `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
    ];
    const [id, ts] = ['del_01HZX3V9Q8N6M2K4J7H5G3F1D0', 1_717_000_000];
    // A BOM, non-ASCII letters, an emoji and a newline: where a text/bytes mix-up would show.
    const body = '\uFEFF[{"actor":"Zoë","note":"日本 🚀\\n"}]\n';
    const bytes = Buffer.from(body, 'utf8');
    const expected = previousAlgorithm(secret, id, ts, bytes);
    expect(expected).toBe('v1,TGB1pcjPlUT2cGPaEASREsp3IY4EbEbOv2QpcBDtoJU=');
    expect(signatureFor(secret, id, ts, body)).toBe(expected);
    expect(signatureFor(secret, id, ts, bytes)).toBe(expected);
    expect(signatureFor(secret, id, ts, new Uint8Array(bytes))).toBe(expected);

    const headers = signWebhook([secret, rotated], id, ts, bytes);
    expect(headers['webhook-signature']).toBe(`${expected} ${previousAlgorithm(rotated, id, ts, bytes)}`);
    vi.useFakeTimers({ now: ts * 1000 + 30_000 });
    // Not parsed as JSON: JSON.parse refuses the BOM, and only the signature is in question here.
    expect(() => new Webhook(secret).verify(body, { ...headers }, { jsonParse: false })).not.toThrow();
    expect(() => new Webhook(rotated).verify(bytes, { ...headers }, { jsonParse: false })).not.toThrow();
    expect(() => new Webhook(secret).verify(body.slice(1), { ...headers }, { jsonParse: false })).toThrow();
  });

  it('refuses bytes that are not UTF-8 rather than sign a different text', () => {
    const secret = generateSigningSecret();
    expect(() => signatureFor(secret, 'x', 1, new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow();
    expect(() => signatureFor(secret, 'x', 1.5, '{}')).toThrow();
    expect(() => signatureFor('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'x', 1, '{}')).toThrow(/whsec_/);
  });
});

describe('secrets at rest', () => {
  const key = encryptionKeyFrom({ WEBHOOK_ALLOW_PRIVATE: true, ADMIN_TOKEN: 'x'.repeat(32) })!;

  it("round-trips, and refuses another record's ciphertext", () => {
    const sealed = encryptSecret(key, 'whsec_abc', sealContext.signingSecret('whk_1'));
    expect(sealed).not.toContain('abc');
    expect(decryptSecret(key, sealed, sealContext.signingSecret('whk_1'))).toBe('whsec_abc');
    expect(() => decryptSecret(key, sealed, sealContext.signingSecret('whk_2'))).toThrow();
    expect(encryptSecret(key, 'same', 'c')).not.toBe(encryptSecret(key, 'same', 'c'));
  });

  it('uses the configured key, derives one only in development, and none otherwise', () => {
    const configured = Buffer.alloc(32, 9).toString('base64');
    expect(
      encryptionKeyFrom({ SECRET_ENCRYPTION_KEY: configured, WEBHOOK_ALLOW_PRIVATE: false, ADMIN_TOKEN: 'x' }),
    ).toEqual(Buffer.alloc(32, 9));
    expect(encryptionKeyFrom({ WEBHOOK_ALLOW_PRIVATE: false, ADMIN_TOKEN: 'x'.repeat(32) })).toBeNull();
    expect(key).toHaveLength(32);
  });
});
