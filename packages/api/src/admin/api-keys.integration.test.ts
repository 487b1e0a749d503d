import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordEventInputSchema, type AuditEvent } from '@audit/shared';
import { openTestEnv, trpcHttp, type Caller, type Tenant, type TestEnv } from '@audit/testing';
import { createApp } from '../app.ts';
import { LAST_USED_WRITE_INTERVAL_MS, lastUsedFor } from '../auth/last-used.ts';
import type { ApiDeps } from '../deps.ts';
import { createContext } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/procedures.ts';
import { appRouter } from '../router.ts';

let env: TestEnv;
let a: Tenant;
let a2: Tenant;
let other: Tenant;
beforeAll(async () => {
  env = await openTestEnv();
  a = await env.tenant('enterprise');
  a2 = await env.tenant('enterprise', undefined, a.organizationId);
  other = await env.tenant('enterprise');
});
afterAll(async () => {
  await env?.close();
});

/** The same app on the same database, on a clock the test moves. */
async function appAt(
  start: Date,
): Promise<{ url: string; admin: Caller; advance(ms: number): Date; close(): Promise<void> }> {
  let now = start;
  const deps: ApiDeps = { ...env.deps, clock: () => now };
  const server: Server = createServer(createApp(deps));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    admin: createCallerFactory(appRouter)(createContext(deps, { kind: 'admin' })),
    advance: (ms) => (now = new Date(now.getTime() + ms)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('admin.apiKeys.list', () => {
  it('shows the keys without any secret, org keys under each workspace, and revocation', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const wsKey = await env.admin.admin.apiKeys.create({
      workspaceId: a.workspaceId,
      scopes: ['events:read', 'events:read'],
      expiresAt,
    });
    const orgKey = await env.admin.admin.apiKeys.create({ organizationId: a.organizationId, scopes: ['events:write'] });
    expect(wsKey).toMatchObject({ prefix: wsKey.key.slice(0, 10), scopes: ['events:read'], expiresAt });

    const byOrg = await env.admin.admin.apiKeys.list({ organizationId: a.organizationId });
    expect(byOrg.truncated).toBe(false);
    expect(byOrg.keys.map((k) => k.id).sort()).toEqual([a.keyId, a2.keyId, wsKey.id, orgKey.id].sort());
    expect(byOrg.keys.find((k) => k.id === wsKey.id)).toEqual({
      id: wsKey.id,
      prefix: wsKey.key.slice(0, 10),
      owner: { type: 'workspace', id: a.workspaceId },
      organizationId: a.organizationId,
      workspaceId: a.workspaceId,
      scopes: ['events:read'],
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt,
      revokedAt: null,
    });
    expect(byOrg.keys.find((k) => k.id === orgKey.id)?.owner).toEqual({ type: 'organization', id: a.organizationId });

    // A workspace's list: what can act on it, its own keys and the organization's, no sibling's.
    const byWs = await env.admin.admin.apiKeys.list({ workspaceId: a.workspaceId });
    expect(byWs.keys.map((k) => k.id).sort()).toEqual([a.keyId, wsKey.id, orgKey.id].sort());
    const json = JSON.stringify([byOrg, byWs]);
    for (const secret of [a.key, a2.key, wsKey.key, orgKey.key]) expect(json).not.toContain(secret.slice(10));
    expect(json).not.toMatch(/"(key|hash|hint|secret)"/);
    const stored = await env.deps.store.apiKeys.findById(wsKey.id);
    expect(json).not.toContain(stored!.hash);

    await env.admin.admin.apiKeys.revoke({ id: wsKey.id });
    const after = await env.admin.admin.apiKeys.list({ workspaceId: a.workspaceId });
    expect(after.keys.find((k) => k.id === wsKey.id)?.revokedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(after.keys.find((k) => k.id === orgKey.id)?.revokedAt).toBeNull();
  });

  it('is admin only and NOT_FOUND for an unknown owner', async () => {
    await expect(a.caller.admin.apiKeys.list({ organizationId: a.organizationId })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(env.admin.admin.apiKeys.list({ workspaceId: 'ws_01ARZ3NDEKTSV4RRFFQ69G5FAV' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('key expiry', () => {
  it('refuses an expiry that is not a future ISO instant, naming expiresAt', async () => {
    const create = (expiresAt: string) =>
      env.admin.admin.apiKeys.create({ workspaceId: a.workspaceId, scopes: ['events:read'], expiresAt });
    await expect(create(new Date(Date.now() - 1000).toISOString())).rejects.toThrow(
      /^expiresAt: must be in the future/,
    );
    await expect(create('tomorrow')).rejects.toThrow(/^expiresAt: must be an ISO 8601 instant/);
  });

  it('answers UNAUTHORIZED saying the key expired, and when, once its time has passed', async () => {
    const app = await appAt(new Date());
    try {
      const expiresAt = new Date(app.advance(0).getTime() + 10 * 60_000).toISOString();
      const { key } = await app.admin.admin.apiKeys.create({
        workspaceId: a.workspaceId,
        scopes: ['events:read'],
        expiresAt,
      });
      expect((await trpcHttp(app.url, 'retention.status', {}, { token: key, method: 'GET' })).status).toBe(200);
      app.advance(10 * 60_000);
      const res = await trpcHttp(app.url, 'retention.status', {}, { token: key, method: 'GET' });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe(
        `this API key (${key.slice(0, 10)}…) expired at ${expiresAt}; ask for a new one`,
      );
      // An unknown key still gets the generic answer.
      expect(
        (await trpcHttp(app.url, 'retention.status', {}, { token: 'atk_unknown', method: 'GET' })).body.error.message,
      ).not.toMatch(/expired/);
    } finally {
      await app.close();
    }
  });

  it('stops a key on the real clock too (2 s expiry)', async () => {
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    const { key } = await env.admin.admin.apiKeys.create({
      workspaceId: a.workspaceId,
      scopes: ['events:read'],
      expiresAt,
    });
    await (await env.callerFor(key)).retention.status({});
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
    await expect(env.callerFor(key)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining(`expired at ${expiresAt}`),
    });
  });
});

describe('lastUsedAt', () => {
  it('is written on use, at most once per window, by the request path without waiting', async () => {
    const app = await appAt(new Date('2030-01-01T00:00:00Z'));
    try {
      const { id, key } = await app.admin.admin.apiKeys.create({ workspaceId: a.workspaceId, scopes: ['events:read'] });
      const recorder = lastUsedFor(env.deps.store);
      const stored = async () => (await env.deps.store.apiKeys.findById(id))?.lastUsedAt ?? null;
      const call = async () =>
        expect((await trpcHttp(app.url, 'retention.status', {}, { token: key, method: 'GET' })).status).toBe(200);
      const before = recorder.stats();

      const first = app.advance(0);
      await call();
      await recorder.idle();
      expect(await stored()).toEqual(first);

      // Within the window: three more requests, the document is not rewritten.
      for (const ms of [1_000, 20_000, LAST_USED_WRITE_INTERVAL_MS - 1_000 - 20_000 - 1]) {
        app.advance(ms);
        await call();
      }
      await recorder.idle();
      expect(await stored()).toEqual(first);
      expect(recorder.stats().writes - before.writes).toBe(1);

      const later = app.advance(1);
      await call();
      await recorder.idle();
      expect(await stored()).toEqual(later);
      expect(recorder.stats().writes - before.writes).toBe(2);
      expect(recorder.stats().failures).toBe(before.failures);
      const listed = await app.admin.admin.apiKeys.list({ workspaceId: a.workspaceId });
      expect(listed.keys.find((k) => k.id === id)?.lastUsedAt).toBe(later.toISOString());
    } finally {
      await app.close();
    }
  });
});

describe('audit events of key changes', () => {
  const keyEvents = async (t: Tenant, apiKeyId: string) => {
    const page = await t.caller.events.list({ limit: 100 });
    return page.items.filter(
      (e) => e.category === 'workspace' && e.action === 'settings_changed' && e.metadata.apiKeyId === apiKeyId,
    );
  };
  // The house invariant for stored events: each would be accepted if a client sent it today.
  const resendable = (e: AuditEvent) => {
    const { category, action, actor, target, description, metadata, context, idempotencyKey, occurredAt } = e;
    return (
      RecordEventInputSchema.safeParse({
        category,
        action,
        actor,
        target: target ?? undefined,
        description,
        metadata,
        context,
        occurredAt,
        idempotencyKey: idempotencyKey ?? undefined,
      }).error?.issues ?? []
    );
  };

  it('records creation and revocation of a workspace key in its workspace only', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { id, key } = await env.admin.admin.apiKeys.create({
      workspaceId: a.workspaceId,
      scopes: ['events:write', 'webhooks:manage'],
      expiresAt,
    });
    await env.admin.admin.apiKeys.revoke({ id });
    const events = await keyEvents(a, id);
    expect(events.map((e) => e.metadata.change)).toEqual(['api_key_revoked', 'api_key_created']);
    expect(events[1]).toMatchObject({
      actor: { type: 'system', id: 'audit-log' },
      target: { type: 'api_key', id, name: `${key.slice(0, 10)}…` },
      metadata: {
        change: 'api_key_created',
        apiKeyId: id,
        prefix: key.slice(0, 10),
        owner: 'workspace',
        scopes: ['events:write', 'webhooks:manage'],
        expiresAt,
      },
    });
    expect(events[0]!.metadata).toMatchObject({ revokedAt: expect.any(String), expiresAt });
    expect(JSON.stringify(events)).not.toContain(key.slice(10));
    expect(events.flatMap(resendable)).toEqual([]);
    expect(await keyEvents(a2, id)).toEqual([]);
  });

  it('records an organization key in every workspace of the organization, once, and nowhere else', async () => {
    const { id, key } = await env.admin.admin.apiKeys.create({
      organizationId: a.organizationId,
      scopes: ['events:read'],
    });
    await env.admin.admin.apiKeys.revoke({ id });
    await env.admin.admin.apiKeys.revoke({ id }); // a retry adds nothing
    for (const t of [a, a2]) {
      const events = await keyEvents(t, id);
      expect(events.map((e) => e.metadata.change)).toEqual(['api_key_revoked', 'api_key_created']);
      expect(events[1]!.metadata).toEqual({
        change: 'api_key_created',
        apiKeyId: id,
        prefix: key.slice(0, 10),
        owner: 'organization',
        scopes: ['events:read'],
        expiresAt: null,
      });
    }
    expect(await keyEvents(other, id)).toEqual([]);
  });
});
