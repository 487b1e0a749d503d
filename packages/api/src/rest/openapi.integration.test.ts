import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import { documentClient } from '@audit/testing/openapi';

let env: TestEnv;
let tenant: Tenant;
let http: { url: string; close(): Promise<void> };
let doc: any;

beforeAll(async () => {
  env = await openTestEnv();
  tenant = await env.tenant('enterprise');
  http = await env.http();
  doc = await (await fetch(`${http.url}/openapi.json`)).json();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

const event = (n: number) => ({
  category: 'lock',
  action: 'created',
  actor: { type: 'user', id: `usr_${n}` },
  target: { type: 'stack', id: `stk_${n}` },
  metadata: { n, nested: { ok: true } },
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('has a route under /api/v1 for every customer-facing procedure, with the documented statuses', () => {
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /api/v1/events',
        'POST /api/v1/events/batch',
        'GET /api/v1/events',
        'GET /api/v1/events/{id}',
        'GET /api/v1/events/{id}/proof',
        'GET /api/v1/checkpoints',
        'GET /api/v1/checkpoints/{number}',
        'GET /api/v1/retention',
        'POST /api/v1/webhooks',
        'GET /api/v1/webhooks',
        'GET /api/v1/webhooks/{id}',
        'PATCH /api/v1/webhooks/{id}',
        'DELETE /api/v1/webhooks/{id}',
        'POST /api/v1/webhooks/{id}/rotate-secret',
        'POST /api/v1/webhooks/{id}/test',
        'GET /api/v1/webhooks/{webhookId}/deliveries',
        'POST /api/v1/webhooks/deliveries/{deliveryId}/redeliver',
        'POST /api/v1/webhooks/{webhookId}/recover',
        'POST /api/v1/webhooks/{id}/replay',
      ].sort(),
    );
    for (const item of Object.values(doc.paths) as any[]) {
      for (const op of Object.values(item) as any[]) {
        expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429', '503']);
        expect(op.security).toEqual([{ ApiKey: [] }]);
        expect(op.responses['429'].headers['Retry-After']).toBeDefined();
      }
    }
  });
});

describe('a client driven only by the document', () => {
  it('records, lists, pages and gets events over HTTP; every answer matches its schema', async () => {
    const api = documentClient(http.url, doc, tenant.key);
    const one = await api.call('events-record', { ...event(0), idempotencyKey: 'doc-0' });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.schemaErrors).toBeNull();
    expect(one.body).toMatchObject({
      category: 'lock',
      idempotencyKey: 'doc-0',
      metadata: { n: 0, nested: { ok: true } },
    });

    const again = await api.call('events-record', { ...event(0), idempotencyKey: 'doc-0' });
    expect(again.body.id).toBe(one.body.id);

    const batch = await api.call('events-recordBatch', { events: [1, 2, 3, 4].map(event) });
    expect(batch.status).toBe(200);
    expect(batch.schemaErrors).toBeNull();
    expect(batch.body.events.map((e: any) => e.actor.id)).toEqual(['usr_1', 'usr_2', 'usr_3', 'usr_4']);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call('events-list', { limit: 2, categories: ['lock'], ...(cursor ? { cursor } : {}) });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.schemaErrors).toBeNull();
      seen.push(...page.body.items.map((e: any) => e.actor.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['usr_4', 'usr_3', 'usr_2', 'usr_1', 'usr_0']);

    const got = await api.call('events-get', { id: one.body.id });
    expect(got.status).toBe(200);
    expect(got.schemaErrors).toBeNull();
    expect(got.body).toEqual(one.body);

    const retention = await api.call('retention-status');
    expect(retention.status).toBe(200);
    expect(retention.schemaErrors).toBeNull();
  });

  it('answers errors as JSON naming the field and its limit, with the documented statuses', async () => {
    const api = documentClient(http.url, doc, tenant.key);
    const bad = await api.call('events-record', { ...event(9), actor: { type: 'user', id: 'x'.repeat(300) } });
    expect(bad.status).toBe(400);
    expect(bad.schemaErrors).toBeNull();
    expect(bad.body.message).toBe('actor.id: must be at most 256 characters');
    expect(bad.body.data.issues).toEqual([{ path: 'actor.id', message: 'must be at most 256 characters' }]);

    const page = await api.call('events-list', { limit: 101 });
    expect(page.status).toBe(400);
    expect(page.body.message).toBe('limit: must be at most 100');

    const missing = await api.call('events-get', { id: 'aud_01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(missing.status).toBe(404);
    expect(missing.schemaErrors).toBeNull();

    const anonymous = documentClient(http.url, doc, 'atk_not-a-real-key');
    const refused = await anonymous.call('events-list');
    expect(refused.status).toBe(401);
    expect(refused.schemaErrors).toBeNull();
    expect(refused.body.message).toMatch(/Authorization: Bearer atk_/);
  });

  it('keeps /trpc as it was: no coercion leaks from REST, "5" is still not a number there', async () => {
    const api = documentClient(http.url, doc, tenant.key);
    await api.call('webhooks-list');
    const res = await fetch(
      `${http.url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify({ limit: '5' }))}`,
      { headers: { authorization: `Bearer ${tenant.key}` } },
    );
    expect(res.status).toBe(400);
  });
});
