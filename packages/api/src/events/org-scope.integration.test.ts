import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Caller, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
let prod: Tenant;
let staging: Tenant;
let team: Tenant;
let stranger: Tenant;
let org: Caller;

const ev = (word: string) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_1' },
  description: `${word} marker`,
});

beforeAll(async () => {
  env = await openTestEnv();
  const { id: organizationId } = await env.admin.admin.organizations.create({ name: 'Acme' });
  prod = await env.tenant('enterprise', undefined, organizationId);
  staging = await env.tenant('enterprise', undefined, organizationId);
  team = await env.tenant('team', undefined, organizationId);
  stranger = await env.tenant('enterprise');
  await prod.caller.events.record(ev('alpha'));
  await staging.caller.events.record(ev('alpha'));
  await team.caller.events.record(ev('alpha'));
  await stranger.caller.events.record(ev('alpha'));
  await stranger.caller.events.record(ev('secretive'));
  const { key } = await env.admin.admin.apiKeys.create({ organizationId, scopes: ['events:read'] });
  org = await env.callerFor(key);
});
afterAll(async () => {
  await env?.close();
});

describe('organization scope', () => {
  it("lists the organization's Enterprise workspaces only, naming each item's workspace", async () => {
    const page = await org.events.list({ scope: 'organization', q: 'alpha', limit: 100 });
    expect(page.workspaces.map((w) => w.id).sort()).toEqual([prod.workspaceId, staging.workspaceId].sort());
    expect(page.items.map((i) => i.workspaceId).sort()).toEqual([prod.workspaceId, staging.workspaceId].sort());
    expect(page.items.every((i) => i.workspaceName === 'ws enterprise')).toBe(true);
    const all = await org.events.list({ scope: 'organization', limit: 100 });
    expect(all.items.some((i) => i.workspaceId === team.workspaceId || i.workspaceId === stranger.workspaceId)).toBe(
      false,
    );
    expect((await org.events.list({ scope: 'organization', q: 'secretive' })).items).toEqual([]);
  });

  it('narrows with workspace: by id or name, and excludes with -workspace:', async () => {
    const only = await org.events.list({ scope: 'organization', q: `alpha workspace:${staging.workspaceId}` });
    expect(only.workspaces.map((w) => w.id)).toEqual([staging.workspaceId]);
    expect(only.items.map((i) => i.workspaceId)).toEqual([staging.workspaceId]);
    const without = await org.events.list({ scope: 'organization', q: `alpha -workspace:${staging.workspaceId}` });
    expect(without.items.map((i) => i.workspaceId)).toEqual([prod.workspaceId]);
    const byName = await org.events.list({ scope: 'organization', q: 'alpha workspace:"ws ent"' });
    expect(byName.items).toHaveLength(2);
    await expect(
      org.events.list({ scope: 'organization', q: `alpha workspace:${stranger.workspaceId}` }),
    ).rejects.toThrow(
      /q: at character 17: workspace: "ws_\w+" is not one of this organization's Enterprise workspaces/,
    );
    await expect(org.events.list({ scope: 'organization', q: `workspace:${team.workspaceId}` })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('refuses organization scope to a workspace key, and to organizations without Enterprise', async () => {
    await expect(prod.caller.events.list({ scope: 'organization' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/organization API key/),
    });
    await expect(org.events.list({ scope: 'organization', workspaceId: prod.workspaceId })).rejects.toThrow(
      /workspaceId: not allowed with scope "organization"/,
    );
    const { id: poorOrg } = await env.admin.admin.organizations.create({ name: 'Small' });
    await env.tenant('team', undefined, poorOrg);
    const { key } = await env.admin.admin.apiKeys.create({ organizationId: poorOrg, scopes: ['events:read'] });
    const poor = await env.callerFor(key);
    await expect(poor.events.list({ scope: 'organization' })).rejects.toThrow(
      /requires the Enterprise plan; no workspace of organization org_\w+ is on it/,
    );
    const { key: writeOnly } = await env.admin.admin.apiKeys.create({
      organizationId: prod.organizationId,
      scopes: ['events:write'],
    });
    await expect((await env.callerFor(writeOnly)).events.list({ scope: 'organization' })).rejects.toThrow(
      /lacks the "events:read" scope/,
    );
  });

  it('keeps workspace scope for organization keys, and gets an item with its workspaceId', async () => {
    const page = await org.events.list({ workspaceId: staging.workspaceId, q: 'alpha' });
    expect(page.items.map((i) => i.workspaceId)).toEqual([staging.workspaceId]);
    const item = (await org.events.list({ scope: 'organization', q: 'alpha' })).items[0]!;
    await expect(org.events.get({ id: item.id, workspaceId: item.workspaceId })).resolves.toMatchObject({
      id: item.id,
    });
    await expect(org.events.list({ workspaceId: team.workspaceId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(org.events.list({ workspaceId: stranger.workspaceId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
