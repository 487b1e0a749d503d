import { describe, expect, it } from 'vitest';
import { generateSigningKeyValue, parseSigningKey, signText, verifyText } from '@audit/shared/integrity/signing';
import { signingKeyFrom } from './signing-key.ts';

const TOKEN = 'admin-token-0123456789abcdef';

describe('the checkpoint signing key', () => {
  it('is AUDIT_SIGNING_KEY when set, whatever the mode', () => {
    const value = generateSigningKeyValue();
    const expected = parseSigningKey(value).keyId;
    expect(signingKeyFrom({ AUDIT_SIGNING_KEY: value, WEBHOOK_ALLOW_PRIVATE: false, ADMIN_TOKEN: TOKEN }).keyId).toBe(
      expected,
    );
    expect(signingKeyFrom({ AUDIT_SIGNING_KEY: value, WEBHOOK_ALLOW_PRIVATE: true, ADMIN_TOKEN: TOKEN }).keyId).toBe(
      expected,
    );
  });

  it('is refused when missing outside development, naming the variable and how to make one', () => {
    expect(() => signingKeyFrom({ WEBHOOK_ALLOW_PRIVATE: false, ADMIN_TOKEN: TOKEN })).toThrow(
      /AUDIT_SIGNING_KEY is not set.*openssl genpkey -algorithm ed25519/,
    );
  });

  it('is derived in development: the same for one admin token, another for another, and it signs', () => {
    const a = signingKeyFrom({ WEBHOOK_ALLOW_PRIVATE: true, ADMIN_TOKEN: TOKEN });
    expect(signingKeyFrom({ WEBHOOK_ALLOW_PRIVATE: true, ADMIN_TOKEN: TOKEN }).keyId).toBe(a.keyId);
    expect(signingKeyFrom({ WEBHOOK_ALLOW_PRIVATE: true, ADMIN_TOKEN: `${TOKEN}x` }).keyId).not.toBe(a.keyId);
    expect(verifyText('checkpoint', signText('checkpoint', a), a.publicKey)).toBe(true);
  });

  it('refuses a value that is not an Ed25519 private key', () => {
    expect(() =>
      signingKeyFrom({
        AUDIT_SIGNING_KEY: Buffer.alloc(48, 7).toString('base64'),
        WEBHOOK_ALLOW_PRIVATE: false,
        ADMIN_TOKEN: TOKEN,
      }),
    ).toThrow();
  });
});
