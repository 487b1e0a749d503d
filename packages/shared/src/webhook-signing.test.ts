import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
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

describe('secrets at rest', () => {
  const key = encryptionKeyFrom({ WEBHOOK_ALLOW_PRIVATE: true, ADMIN_TOKEN: 'x'.repeat(32) })!;

  it('round-trips, and refuses another record\'s ciphertext', () => {
    const sealed = encryptSecret(key, 'whsec_abc', sealContext.signingSecret('whk_1'));
    expect(sealed).not.toContain('abc');
    expect(decryptSecret(key, sealed, sealContext.signingSecret('whk_1'))).toBe('whsec_abc');
    expect(() => decryptSecret(key, sealed, sealContext.signingSecret('whk_2'))).toThrow();
    expect(encryptSecret(key, 'same', 'c')).not.toBe(encryptSecret(key, 'same', 'c'));
  });

  it('uses the configured key, derives one only in development, and none otherwise', () => {
    const configured = Buffer.alloc(32, 9).toString('base64');
    expect(encryptionKeyFrom({ SECRET_ENCRYPTION_KEY: configured, WEBHOOK_ALLOW_PRIVATE: false, ADMIN_TOKEN: 'x' })).toEqual(Buffer.alloc(32, 9));
    expect(encryptionKeyFrom({ WEBHOOK_ALLOW_PRIVATE: false, ADMIN_TOKEN: 'x'.repeat(32) })).toBeNull();
    expect(key).toHaveLength(32);
  });
});
