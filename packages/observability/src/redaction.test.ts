import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { httpSerializers, pathOnly, redactHeaders, scrubSecrets } from './redaction.ts';

function capture() {
  const lines: string[] = [];
  const log = createLogger({
    level: 'trace',
    service: 'test',
    destination: { write: (s: string) => void lines.push(s) },
  });
  return { log, text: () => lines.join('') };
}

describe('log redaction', () => {
  it('keeps allowlisted header values and replaces every other one', () => {
    expect(
      redactHeaders({
        'User-Agent': 'curl/8',
        authorization: 'Bearer atk_x',
        'x-siem-token': 'abc',
        'x-request-id': 'r-1',
      }),
    ).toEqual({
      'User-Agent': 'curl/8',
      authorization: '[redacted]',
      'x-siem-token': '[redacted]',
      'x-request-id': 'r-1',
    });
    expect(redactHeaders(undefined)).toEqual({});
  });

  it('scrubs anything shaped like an API key or a signing secret from the finished line', () => {
    expect(scrubSecrets('key atk_AbC-12_x and whsec_QUJD+/ef== end')).toBe(
      'key atk_[redacted] and whsec_[redacted] end',
    );
  });

  it('drops the query from a logged URL', () => {
    expect(pathOnly('/trpc/events.list?input=%7B%22q%22%3A%22ada%22%7D')).toBe('/trpc/events.list');
    expect(httpSerializers.req({ id: 'r', method: 'GET', url: '/a?b=c', headers: { cookie: 's=1' } })).toEqual({
      id: 'r',
      method: 'GET',
      url: '/a',
      headers: { cookie: '[redacted]' },
      remoteAddress: undefined,
    });
  });

  it('censors secret fields, nested headers and secrets inside messages and errors, in every child', () => {
    const { log, text } = capture();
    const child = log.child({ requestId: 'req-1' });
    child.info(
      {
        secret: 'whsec_field',
        webhook: { signingSecret: 's3cr3t-signing', headers: { authorization: 'Bearer adm_token_value' } },
        headers: { 'x-custom': 'custom-value' },
      },
      'created',
    );
    child.error({ err: new Error('lookup of atk_inside_error failed') }, 'failed with whsec_in_message');
    const out = text();
    for (const leaked of [
      'whsec_field',
      's3cr3t-signing',
      'adm_token_value',
      'custom-value',
      'atk_inside_error',
      'whsec_in_message',
    ])
      expect(out).not.toContain(leaked);
    expect(out).toContain('"requestId":"req-1"');
    expect(out).toContain('"level":"error"');
  });
});
