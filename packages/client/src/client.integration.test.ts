import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flakyProxy, openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import { createAuditLogClient } from './create-client.ts';

let env: TestEnv;
let tenant: Tenant;
let http: { url: string; close(): Promise<void> };

beforeAll(async () => {
  env = await openTestEnv({ SECRET_ENCRYPTION_KEY: `${'B'.repeat(43)}=` });
  tenant = await env.tenant('enterprise');
  http = await env.http();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

const lock = (id: string) => ({ category: 'lock' as const, action: 'created', actor: { type: 'user' as const, id } });

/** Counts the requests the client makes, by procedure. */
function countingFetch() {
  const calls: string[] = [];
  const fetchFn = ((input: string | URL | Request, init?: RequestInit) => {
    calls.push(new URL(String(input)).pathname.replace('/trpc/', ''));
    return fetch(input, init);
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe('the typed client', () => {
  it('records, lists page by page, and gets', async () => {
    const client = createAuditLogClient({ url: http.url, apiKey: tenant.key });
    const first = await client.record({ ...lock('usr_a'), idempotencyKey: 'client-a' });
    expect(first).toMatchObject({ idempotencyKey: 'client-a', actor: { id: 'usr_a' } });
    expect((await client.record({ ...lock('usr_a'), idempotencyKey: 'client-a' })).id).toBe(first.id);
    const second = await client.record(lock('usr_b'));
    expect(second.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);

    const pages = [];
    for await (const page of client.list({ limit: 1, categories: ['lock'] }))
      pages.push(page.items.map((e) => e.actor.id));
    expect(pages).toEqual([['usr_b'], ['usr_a']]);
    expect(await client.get(first.id)).toEqual(first);
    expect((await client.retention()).plan).toBe('enterprise');
  });

  it('records 1,200 events as three batches, in order', async () => {
    const { calls, fetchFn } = countingFetch();
    const client = createAuditLogClient({ url: http.url, apiKey: tenant.key, fetch: fetchFn });
    const events = Array.from({ length: 1200 }, (_, i) => lock(`bulk_${i}`));
    const recorded = await client.recordBatch(events);
    expect(calls).toEqual(['events.recordBatch', 'events.recordBatch', 'events.recordBatch']);
    expect(recorded.map((e) => e.actor.id)).toEqual(events.map((e) => e.actor.id));
    const seqs = recorded.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(recorded.map((e) => e.idempotencyKey)).size).toBe(1200);
  });

  it('retries a 503 with the same idempotency key, and the event is stored once', async () => {
    const proxy = await flakyProxy(http.url);
    try {
      const client = createAuditLogClient({ url: proxy.url, apiKey: tenant.key, retry: { delayMs: () => 10 } });
      const event = await client.record(lock('usr_retry'));
      expect(proxy.bodies).toHaveLength(2);
      expect(proxy.bodies[1]).toBe(proxy.bodies[0]);
      expect(JSON.parse(proxy.bodies[0]!).idempotencyKey).toBe(event.idempotencyKey);
      const stored = await env.deps.store.events.col
        .find({ workspaceId: tenant.workspaceId, 'actor.id': 'usr_retry' })
        .toArray();
      expect(stored.map((d) => d._id)).toEqual([event.id]);
    } finally {
      await proxy.close();
    }
  });

  it('manages webhooks', async () => {
    const client = createAuditLogClient({ url: http.url, apiKey: tenant.key });
    const { webhook, secret } = await client.webhooks.create({ url: 'http://127.0.0.1:9/hook', categories: ['lock'] });
    expect(secret).toMatch(/^whsec_/);
    expect((await client.webhooks.list({})).items.map((w) => w.id)).toContain(webhook.id);
    expect((await client.webhooks.update({ id: webhook.id, description: 'SIEM' })).description).toBe('SIEM');
    expect((await client.webhooks.get({ id: webhook.id })).categories).toEqual(['lock']);
    expect((await client.webhooks.rotateSecret({ id: webhook.id })).secret).not.toBe(secret);
    expect((await client.webhooks.deliveries({ webhookId: webhook.id })).items).toEqual([]);
    expect(await client.webhooks.delete({ id: webhook.id })).toEqual({ id: webhook.id, deleted: true });
  });

  it('surfaces API errors with their message', async () => {
    const client = createAuditLogClient({ url: http.url, apiKey: tenant.key });
    await expect(client.record({ ...lock(''), action: 'created' })).rejects.toThrow('actor.id: must not be empty');
    const anonymous = createAuditLogClient({ url: http.url, apiKey: 'atk_nope' });
    await expect(anonymous.get('aud_01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toThrow(/API key is required/);
  });
});
