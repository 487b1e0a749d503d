import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { guardedPost, type Resolver } from './guarded-post.ts';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx?.close();
});

const post = (url: string, resolver?: Resolver, allowPrivate = false) =>
  guardedPost({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    timeoutMs: 2_000,
    maxBodyBytes: 4096,
    allowPrivate,
    resolver,
  });

/** A resolver that answers what an attacker's DNS would: a refused address for a public-looking name. */
const rebindTo =
  (address: string): Resolver =>
  async () => [{ address, family: address.includes(':') ? 6 : 4 }];

describe('the guarded client refuses at connect time', () => {
  const classes: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.10.10', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::', 'unspecified'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud-metadata'],
  ];
  it.each(classes)('a name resolving to %s (%s)', async (address, cls) => {
    const res = await post(`http://siem.rebind.test:${rx.port}/hook`, rebindTo(address));
    expect(res).toMatchObject({ kind: 'error', refused: true });
    expect(res.kind === 'error' && res.error).toContain(`${cls} address`);
  });

  it('IP literals, which skip DNS, and real names resolving to loopback', async () => {
    for (const url of [
      `http://127.0.0.1:${rx.port}/`,
      `http://[::ffff:127.0.0.1]:${rx.port}/`,
      `http://[::1]:${rx.port}/`,
      `http://localhost:${rx.port}/`,
    ]) {
      const res = await post(url);
      expect(res, url).toMatchObject({ kind: 'error', refused: true });
    }
    expect(rx.requests).toHaveLength(0);
  });

  it('refuses when every resolved address is refused, and connects anywhere when private is allowed', async () => {
    const mixed: Resolver = async () => [
      { address: '10.0.0.1', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    expect(await post(`http://x.test:${rx.port}/`, mixed)).toMatchObject({ kind: 'error', refused: true });
    expect(rx.requests).toHaveLength(0);
    expect((await post(`http://x.test:${rx.port}/`, rebindTo('127.0.0.1'), true)).kind).toBe('response');
    expect(rx.requests).toHaveLength(1);
  });

  it('follows no redirects', async () => {
    const redirecting = await startReceiver(() => ({ status: 302, headers: { location: rx.url } }));
    try {
      const res = await post(redirecting.url, undefined, true);
      expect(res).toMatchObject({ kind: 'response', status: 302 });
    } finally {
      await redirecting.close();
    }
  });
});

describe('with WEBHOOK_ALLOW_PRIVATE off, end to end', () => {
  let env: TestEnv;
  beforeAll(async () => {
    // The production policy itself; the resolver below maps every name to loopback, so nothing leaves.
    env = await openTestEnv({
      WEBHOOK_ALLOW_PRIVATE: 'false',
      WEBHOOK_LOOPBACK_ONLY: 'false',
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_RETRY_SCHEDULE: '0,200',
    });
    await env.startWorker({ webhookResolver: rebindTo('127.0.0.1') });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('refuses http and private addresses at creation', async () => {
    const t = await env.tenant('enterprise');
    const cases: [string, RegExp][] = [
      [rx.url, /url: must use https/],
      ['https://127.0.0.1/hook', /url: must not point at a loopback address/],
      ['https://169.254.169.254/latest/meta-data', /url: must not point at a cloud-metadata address/],
      ['https://[::ffff:10.0.0.1]/', /url: must not point at a private address/],
      ['https://[fd00:ec2::254]/', /url: must not point at a cloud-metadata address/],
      ['https://localhost/hook', /url: must not point at localhost/],
      ['https://user:pw@siem.example.com/', /url: must not contain credentials/],
    ];
    for (const [url, message] of cases) await expect(t.caller.webhooks.create({ url }), url).rejects.toThrow(message);
  });

  it('refuses a destination whose name resolves to a loopback address when delivering', async () => {
    const t = await env.tenant('enterprise');
    const { webhook } = await t.caller.webhooks.create({
      url: `https://siem.rebind.test:${rx.port}/hook`,
      categories: ['lock'],
    });
    const before = rx.requests.length;
    const ev = await t.caller.events.record({
      category: 'lock',
      action: 'created',
      actor: { type: 'user', id: 'usr_1' },
    });
    const delivery = await eventually(
      async () =>
        (await t.caller.webhooks.deliveries({ webhookId: webhook.id, eventId: ev.id })).items.find(
          (d) => d.status === 'failed',
        ),
      30_000,
      'the batch failed',
    );
    expect(delivery).toMatchObject({ eventIds: [ev.id], count: 1 });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]!.error).toMatch(
      /refused to connect to siem\.rebind\.test: 127\.0\.0\.1 is a loopback address/,
    );
    expect(rx.requests.length).toBe(before);
  });
});
