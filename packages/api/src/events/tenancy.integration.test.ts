import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
let mine: Tenant;
let theirs: Tenant;
let theirEventId: string;
beforeAll(async () => {
  env = await openTestEnv();
  mine = await env.tenant('enterprise');
  theirs = await env.tenant('enterprise');
  theirEventId = (await theirs.caller.events.record(ev())).id;
});
afterAll(async () => {
  await env?.close();
});

function ev() {
  return { category: 'lock' as const, action: 'created', actor: { type: 'user' as const, id: 'u1' } };
}

describe('tenant isolation', () => {
  it('answers NOT_FOUND for another workspace on every procedure', async () => {
    const other = theirs.workspaceId;
    await expect(mine.caller.events.record({ ...ev(), workspaceId: other })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(mine.caller.events.recordBatch({ workspaceId: other, events: [ev()] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(mine.caller.events.list({ workspaceId: other })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(mine.caller.events.get({ workspaceId: other, id: theirEventId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(mine.caller.events.get({ id: theirEventId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const page = await mine.caller.events.list({ limit: 100 });
    expect(page.items.every((e) => e.workspaceId === mine.workspaceId)).toBe(true);
  });

  it('lets an organization key act on its own workspaces only', async () => {
    const { key } = await env.admin.admin.apiKeys.create({
      organizationId: mine.organizationId,
      scopes: ['events:read', 'events:write'],
    });
    const org = await env.callerFor(key);
    await expect(org.events.record(ev())).rejects.toThrow(
      /workspaceId: required when calling with an organization key/,
    );
    const recorded = await org.events.record({ ...ev(), workspaceId: mine.workspaceId });
    expect(recorded.workspaceId).toBe(mine.workspaceId);
    await expect(org.events.list({ workspaceId: theirs.workspaceId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(org.events.get({ workspaceId: mine.workspaceId, id: theirEventId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('plans and scopes', () => {
  it('records on every plan but reads only on Enterprise', async () => {
    for (const plan of ['free', 'team'] as const) {
      const t = await env.tenant(plan);
      await expect(t.caller.events.record(ev())).resolves.toMatchObject({ workspaceId: t.workspaceId });
      await expect(t.caller.events.list({})).rejects.toThrow(
        `reading the audit log requires the Enterprise plan; workspace ${t.workspaceId} is on the ${plan} plan`,
      );
    }
  });

  it('follows plan changes and records them as entitlement events', async () => {
    const t = await env.tenant('team');
    await expect(t.caller.events.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'enterprise' });
    const page = await t.caller.events.list({});
    expect(page.items[0]).toMatchObject({
      category: 'entitlement',
      action: 'plan_upgraded',
      metadata: { from: 'team', to: 'enterprise' },
    });
    expect(page.items.some((e) => e.category === 'workspace' && e.action === 'created')).toBe(true);
    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'free' });
    const stored = await env.deps.store.events.col.findOne({ workspaceId: t.workspaceId, action: 'plan_downgraded' });
    expect(stored?.metadata).toEqual({ from: 'enterprise', to: 'free' });
  });

  it('enforces scopes', async () => {
    const t = await env.tenant('enterprise', ['events:write']);
    await expect(t.caller.events.list({})).rejects.toThrow(/lacks the "events:read" scope/);
    const reader = await env.callerFor(
      (await env.admin.admin.apiKeys.create({ workspaceId: t.workspaceId, scopes: ['events:read'] })).key,
    );
    await expect(reader.events.record(ev())).rejects.toThrow(/lacks the "events:write" scope/);
  });

  it('stops accepting a key once revoked', async () => {
    const t = await env.tenant('enterprise');
    await t.caller.events.record(ev());
    await env.admin.admin.apiKeys.revoke({ id: t.keyId });
    const after = await env.callerFor(t.key);
    await expect(after.events.record(ev())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const stored = await env.deps.store.apiKeys.findById(t.keyId);
    expect(stored?.hash).not.toContain(t.key);
    expect(JSON.stringify(stored)).not.toContain(t.key);
  });

  it('keeps admin procedures behind the admin token', async () => {
    await expect(mine.caller.admin.organizations.create({ name: 'x' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const wrong = await env.callerFor('not-the-admin-token-but-long-enough');
    await expect(wrong.admin.organizations.create({ name: 'x' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
