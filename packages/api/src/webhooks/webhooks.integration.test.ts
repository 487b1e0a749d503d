import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type TestEnv } from '@audit/testing';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const URL_A = 'https://siem.example.com/audit?token=abc';
const TOKEN = 'Splunk 0123456789abcdef-secret-value';

describe('webhook destinations', () => {
  it('creates, reads, updates, rotates and deletes, never showing secrets twice', async () => {
    const t = await env.tenant('enterprise');
    const created = await t.caller.webhooks.create({
      url: URL_A,
      description: 'prod SIEM',
      headers: { Authorization: TOKEN },
      categories: ['lock', 'auth'],
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.webhook).toMatchObject({
      url: URL_A,
      description: 'prod SIEM',
      categories: ['lock', 'auth'],
      format: 'cloudevents',
      batchSize: 100,
      compression: 'none',
      enabled: true,
      headers: [{ name: 'Authorization', value: '****alue' }],
    });
    const id = created.webhook.id;
    expect(id).toMatch(/^whk_/);

    const listed = await t.caller.webhooks.list({});
    const got = await t.caller.webhooks.get({ id });
    for (const view of [listed, got]) {
      const json = JSON.stringify(view);
      expect(json).not.toContain(created.secret);
      expect(json).not.toContain(created.secret.slice(6, 20));
      expect(json).not.toContain(TOKEN);
    }
    const raw = JSON.stringify(await env.deps.store.webhooks.col.findOne({ _id: id }));
    expect(raw).not.toContain(created.secret.slice(6));
    expect(raw).not.toContain('0123456789abcdef');

    const updated = await t.caller.webhooks.update({
      id,
      url: 'https://siem2.example.com/in',
      headers: { 'X-Token': 'another-long-token-9876' },
      categories: [],
    });
    expect(updated).toMatchObject({
      url: 'https://siem2.example.com/in',
      categories: [],
      headers: [{ name: 'X-Token', value: '****9876' }],
    });
    const disabled = await t.caller.webhooks.update({ id, enabled: false });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'manual' });

    const rotated = await t.caller.webhooks.rotateSecret({ id });
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.webhook.previousSecretExpiresAt).toBe(rotated.previousSecretExpiresAt);
    expect(await t.caller.webhooks.delete({ id })).toEqual({ id, deleted: true });
    await expect(t.caller.webhooks.get({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const changes = await env.deps.store.events.col
      .find({ workspaceId: t.workspaceId, action: 'settings_changed', 'metadata.webhookId': id })
      .sort({ seq: 1 })
      .toArray();
    expect(changes.map((e) => e.metadata['change'])).toEqual([
      'webhook_created',
      'webhook_updated',
      'webhook_disabled',
      'webhook_secret_rotated',
      'webhook_deleted',
    ]);
    expect(changes[0]!.actor).toEqual({ type: 'api_key', id: t.keyId });
    expect(changes[0]!.metadata).toMatchObject({
      url: 'https://siem.example.com/audit?…',
      headerNames: ['Authorization'],
      categories: ['lock', 'auth'],
    });
    expect(changes[1]!.metadata).toMatchObject({
      changed: ['url', 'headers', 'categories'],
      url: { from: 'https://siem.example.com/audit?…', to: 'https://siem2.example.com/in' },
      headerValuesChanged: true,
    });
    expect(changes[2]!.metadata).toMatchObject({ changed: ['enabled'], enabled: { from: true, to: false } });
    const everything = JSON.stringify(changes);
    for (const secret of [created.secret, rotated.secret, TOKEN, 'another-long-token-9876', 'token=abc'])
      expect(everything).not.toContain(secret);
  });

  it('refuses headers the delivery sets, naming the header', async () => {
    const t = await env.tenant('enterprise');
    const refused: [Record<string, string>, RegExp][] = [
      [{ 'Content-Type': 'text/plain' }, /headers\.Content-Type: header "content-type" is set by the delivery/],
      [
        { 'webhook-signature': 'v1,x' },
        /headers\.webhook-signature: header "webhook-signature" is set by the delivery/,
      ],
      [{ Host: 'evil.example.com' }, /headers\.Host: header "host" is set by the delivery/],
      [{ 'content-length': '1' }, /header "content-length" is set by the delivery/],
      [{ 'ce-type': 'x' }, /header "ce-type" is set by the delivery/],
      [{ 'X-A': 'a', 'x-a': 'b' }, /headers\.x-a: header "x-a" is given twice/],
      [{ 'X-A': 'line\r\nInjected: yes' }, /headers\.X-A: header values may hold only printable ASCII/],
      [{ 'bad name': 'x' }, /headers\.bad name: header names may hold only/],
      [{ 'X-Big': 'x'.repeat(2049) }, /headers\.X-Big: header values must be at most 2048 characters/],
      [
        Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])),
        /headers: must have at most 20 headers \(got 21\)/,
      ],
    ];
    for (const [headers, message] of refused)
      await expect(
        t.caller.webhooks.create({ url: URL_A, headers }),
        JSON.stringify(headers).slice(0, 60),
      ).rejects.toThrow(message);
  });

  it('bounds every input', async () => {
    const t = await env.tenant('enterprise');
    await expect(t.caller.webhooks.create({ url: `https://x.example.com/${'a'.repeat(2048)}` })).rejects.toThrow(
      /url: must be at most 2048 characters/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, description: 'd'.repeat(501) })).rejects.toThrow(
      /description: must be at most 500 characters/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, categories: ['nope' as 'lock'] })).rejects.toThrow(
      /categories\.0/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, categories: ['lock', 'lock'] })).rejects.toThrow(
      /categories: must not repeat a category/,
    );
    await expect(t.caller.webhooks.create({ url: 'ftp://x.example.com/' })).rejects.toThrow(
      /url: must use http or https/,
    );
    await expect(t.caller.webhooks.create({ url: 'not a url' })).rejects.toThrow(/url: must be an absolute URL/);
    await expect(
      t.caller.webhooks.deliveries({ webhookId: 'whk_01J00000000000000000000000', limit: 101 }),
    ).rejects.toThrow(/limit: must be at most 100/);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const { webhook } = await t.caller.webhooks.create({ url: URL_A });
    await expect(t.caller.webhooks.recover({ webhookId: webhook.id, since: future })).rejects.toThrow(
      /since: must not be in the future/,
    );
    await expect(t.caller.webhooks.recover({ webhookId: webhook.id, since: 'yesterday' })).rejects.toThrow(
      /since: must be an ISO 8601 instant/,
    );
    for (let i = 1; i < 20; i++) await t.caller.webhooks.create({ url: `${URL_A}&n=${i}` });
    await expect(t.caller.webhooks.create({ url: URL_A })).rejects.toThrow(/at most 20 destinations/);
  });

  it('bounds the stream settings, naming the field and the limit', async () => {
    const t = await env.tenant('enterprise');
    await expect(t.caller.webhooks.create({ url: URL_A, batchSize: 0 })).rejects.toThrow(
      /batchSize: must be at least 1/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, batchSize: 101 })).rejects.toThrow(
      /batchSize: must be at most 100/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, batchSize: 2.5 })).rejects.toThrow(
      /batchSize: must be a whole number/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, format: 'xml' as 'cloudevents' })).rejects.toThrow(
      /format: must be one of cloudevents, cloudevents-structured, cloudevents-binary, datadog, splunk-hec/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, compression: 'brotli' as 'gzip' })).rejects.toThrow(
      /compression: must be none or gzip/,
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await expect(t.caller.webhooks.create({ url: URL_A, startFrom: future })).rejects.toThrow(
      /startFrom: must not be in the future/,
    );
    const beyondRetention = new Date(Date.now() - 366 * 86_400_000).toISOString();
    await expect(t.caller.webhooks.create({ url: URL_A, startFrom: beyondRetention })).rejects.toThrow(
      /startFrom: must be within the workspace's retention \(365 days\)/,
    );
    await expect(t.caller.webhooks.create({ url: URL_A, startFrom: 'yesterday' })).rejects.toThrow(
      /startFrom: must be 'now' or an ISO 8601 instant/,
    );
    // Nothing refused was stored.
    expect((await t.caller.webhooks.list({})).items).toHaveLength(0);

    const { webhook } = await t.caller.webhooks.create({
      url: URL_A,
      batchSize: 1,
      format: 'datadog',
      compression: 'gzip',
      startFrom: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expect(webhook).toMatchObject({ batchSize: 1, format: 'datadog', compression: 'gzip' });
    await expect(t.caller.webhooks.update({ id: webhook.id, batchSize: 101 })).rejects.toThrow(
      /batchSize: must be at most 100/,
    );
    await expect(t.caller.webhooks.update({ id: webhook.id, resumeFrom: 'now' })).rejects.toThrow(
      /resumeFrom: goes with enabled: true/,
    );
    await expect(
      t.caller.webhooks.update({ id: webhook.id, enabled: true, resumeFrom: 'later' as 'now' }),
    ).rejects.toThrow(/resumeFrom: must be 'position' or 'now'/);
    // The single-event modes always send one event per request, whatever batchSize says.
    expect(
      await t.caller.webhooks.update({ id: webhook.id, format: 'cloudevents-binary', batchSize: 50 }),
    ).toMatchObject({ format: 'cloudevents-binary', batchSize: 1 });

    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date(Date.now() - 7_200_000).toISOString();
    await expect(t.caller.webhooks.replay({ id: webhook.id, since, until })).rejects.toThrow(
      /until: must not be before since/,
    );
    await expect(
      t.caller.webhooks.replay({ id: webhook.id, since: new Date(Date.now() + 3_600_000).toISOString() }),
    ).rejects.toThrow(/since: must not be in the future/);
    await expect(t.caller.webhooks.replay({ id: webhook.id, since: 'yesterday' })).rejects.toThrow(
      /since: must be an ISO 8601 instant/,
    );
    expect(await env.deps.store.streams.listReplays(t.workspaceId, webhook.id, 10)).toHaveLength(0);
  });

  it('is for Enterprise workspaces and keys with webhooks:manage; other tenants see NOT_FOUND', async () => {
    const team = await env.tenant('team');
    await expect(team.caller.webhooks.list({})).rejects.toThrow(/webhook streaming requires the Enterprise plan/);
    const writer = await env.tenant('enterprise', ['events:write']);
    await expect(writer.caller.webhooks.list({})).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('webhooks:manage'),
    });

    const owner = await env.tenant('enterprise');
    const other = await env.tenant('enterprise');
    const { webhook } = await owner.caller.webhooks.create({ url: URL_A });
    const id = webhook.id;
    const attempts = [
      () => other.caller.webhooks.get({ id }),
      () => other.caller.webhooks.update({ id, enabled: false }),
      () => other.caller.webhooks.delete({ id }),
      () => other.caller.webhooks.rotateSecret({ id }),
      () => other.caller.webhooks.test({ id }),
      () => other.caller.webhooks.deliveries({ webhookId: id }),
      () => other.caller.webhooks.recover({ webhookId: id, since: new Date().toISOString() }),
      () => other.caller.webhooks.replay({ id, since: new Date(Date.now() - 60_000).toISOString() }),
    ];
    for (const call of attempts) await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await other.caller.webhooks.list({})).items).toHaveLength(0);
    expect((await owner.caller.webhooks.get({ id })).enabled).toBe(true);
    expect(await env.deps.store.streams.listReplays(owner.workspaceId, id, 10)).toHaveLength(0);
  });

  it('refuses to store secrets without an encryption key outside development', async () => {
    const prod = await openTestEnv({ WEBHOOK_ALLOW_PRIVATE: 'false' });
    try {
      const t = await prod.tenant('enterprise');
      await expect(t.caller.webhooks.create({ url: URL_A })).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
        message: expect.stringContaining('SECRET_ENCRYPTION_KEY is not set'),
      });
    } finally {
      await prod.close();
    }
  });
});
