import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, openTestEnv, trpcHttp, type Tenant, type TestEnv } from '@audit/testing';
import { createApp } from '../app.ts';

let env: TestEnv;
let http: { url: string; close(): Promise<void> };

// Windows of an hour: a test's calls cannot straddle two of them unless it runs across the hour,
// and each test uses a fresh tenant, so one test's calls never count against another's.
beforeAll(async () => {
  env = await openTestEnv({
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_SEARCH_PER_KEY: '3/1h',
    RATE_LIMIT_SEARCH_PER_WORKSPACE: '5/1h',
    RATE_LIMIT_RECORD_PER_KEY: '4/1h',
    RATE_LIMIT_EXPORT_PER_KEY: '1/1h',
  });
  http = await env.http();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

const lock = { category: 'lock', action: 'created', actor: { type: 'user', id: 'u' } };

async function keyOf(t: Tenant): Promise<string> {
  return (await env.admin.admin.apiKeys.create({ workspaceId: t.workspaceId, scopes: ['events:read', 'events:write'] }))
    .key;
}

describe('rate limits', () => {
  it('over /trpc: 429 TOO_MANY_REQUESTS with Retry-After and a message naming the limit', async () => {
    const t = await env.tenant('enterprise');
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await trpcHttp(http.url, 'events.list', {}, { token: t.key, method: 'GET' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3]!;
    expect(refused.body.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.body.error.message).toMatch(
      /^rate limit: 3 requests per 1 h for search \(events\.list\) per API key; retry in \d+ s$/,
    );
    const res = await fetch(`${http.url}/trpc/events.list?input=${encodeURIComponent('{}')}`, {
      headers: { authorization: `Bearer ${t.key}` },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('over REST: the same 429, in the REST error body', async () => {
    const t = await env.tenant('enterprise');
    const get = () => fetch(`${http.url}/api/v1/events`, { headers: { authorization: `Bearer ${t.key}` } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    const res = await get();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { message: string };
    expect(body).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path: 'events.list' },
    });
    expect(body.message).toMatch(/^rate limit: 3 requests per 1 h for search/);
  });

  it('per workspace: the keys of one workspace share its limit; recording is counted apart from search', async () => {
    const t = await env.tenant('enterprise');
    const keys = [t.key, await keyOf(t), await keyOf(t)];
    const statuses = [];
    for (const key of [...keys, ...keys])
      statuses.push((await trpcHttp(http.url, 'events.list', {}, { token: key, method: 'GET' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const last = await trpcHttp(http.url, 'events.list', {}, { token: keys[2]!, method: 'GET' });
    expect(last.body.error.message).toMatch(/5 requests per 1 h for search \(events\.list\) per workspace/);
    expect((await trpcHttp(http.url, 'events.record', lock, { token: keys[2]! })).status).toBe(200);
  });

  it('counts refused batches as requests, and stores nothing past the limit', async () => {
    const t = await env.tenant('enterprise');
    const stored = () => env.deps.store.events.col.countDocuments({ workspaceId: t.workspaceId });
    const before = await stored();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        trpcHttp(http.url, 'events.recordBatch', { events: [lock, lock] }, { token: t.key }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(6);
    expect((await stored()) - before).toBe(8);
  });

  it('limits the export route too', async () => {
    const t = await env.tenant('enterprise');
    const get = () => fetch(`${http.url}/export?format=csv`, { headers: { authorization: `Bearer ${t.key}` } });
    const first = await get();
    await first.text();
    expect(first.status).toBe(200);
    const second = await get();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await second.json()) as { error: { message: string } }).error.message).toMatch(
      /^rate limit: 1 requests per 1 h for export/,
    );
  });

  it('fails open when the limiter cannot reach its store: the call goes on, logged', async () => {
    const t = await env.tenant('enterprise');
    const logs = captureLogs();
    const broken = {
      claim: () => Promise.reject(new Error('boom')),
      exists: () => Promise.reject(new Error('boom')),
      sweep: async () => 0,
    };
    const deps = {
      ...env.deps,
      log: logs.log,
      store: { ...env.deps.store, rateLimits: broken },
    } as unknown as typeof env.deps;
    const server = createServer(createApp(deps));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 5; i++) {
        const a = await trpcHttp(url, 'events.list', {}, { token: t.key, method: 'GET' });
        expect(a.status, `call ${i}: ${JSON.stringify(a.body).slice(0, 300)}`).toBe(200);
      }
      expect(
        logs.lines().filter((l) => l.msg === 'rate limiter unavailable; admitting requests unlimited'),
      ).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('does not limit the admin token', async () => {
    for (let i = 0; i < 6; i++)
      expect((await env.admin.admin.organizations.create({ name: `o${i}` })).id).toMatch(/^org_/);
  });
});
