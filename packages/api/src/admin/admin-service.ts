import { newId, planChangeAction, type Plan } from '@audit/shared';
import type { ApiScope, WorkspaceDoc } from '@audit/store';
import { generateApiKey, hashApiKey, keyHint } from '../auth/api-keys.ts';
import type { ApiDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { recordSystemEvent } from '../events/events-service.ts';

export async function createOrganization(deps: ApiDeps, name: string): Promise<{ id: string }> {
  const id = newId('organization');
  await deps.store.organizations.insert({ _id: id, name, createdAt: deps.clock() });
  return { id };
}

export async function createWorkspace(deps: ApiDeps, input: { organizationId: string; name: string; plan: Plan }): Promise<{ id: string }> {
  const org = await deps.store.organizations.findById(input.organizationId);
  if (!org) throw notFound('organization', input.organizationId);
  const now = deps.clock();
  const ws: WorkspaceDoc = { _id: newId('workspace'), organizationId: org._id, name: input.name, plan: input.plan, eventSeq: 0, createdAt: now, updatedAt: now };
  await deps.store.workspaces.insert(ws);
  await recordSystemEvent(deps, ws, {
    category: 'workspace',
    action: 'created',
    target: { type: 'workspace', id: ws._id, name: ws.name },
    description: `Workspace "${ws.name}" created on the ${ws.plan} plan`,
    metadata: { plan: ws.plan, organizationId: org._id },
  });
  return { id: ws._id };
}

export async function setWorkspacePlan(deps: ApiDeps, workspaceId: string, plan: Plan): Promise<{ id: string; plan: Plan; previousPlan: Plan }> {
  const before = await deps.store.workspaces.setPlan(workspaceId, plan, deps.clock());
  if (!before) throw notFound('workspace', workspaceId);
  const after: WorkspaceDoc = { ...before, plan };
  await recordSystemEvent(deps, after, {
    category: 'entitlement',
    action: planChangeAction(before.plan, plan),
    target: { type: 'workspace', id: before._id, name: before.name },
    description: `Plan changed from ${before.plan} to ${plan}`,
    metadata: { from: before.plan, to: plan },
  });
  return { id: before._id, plan, previousPlan: before.plan };
}

export type KeyOwner = { workspaceId: string } | { organizationId: string };

/** The key is returned here and never again: only its hash is stored. */
export async function createApiKey(deps: ApiDeps, owner: KeyOwner, scopes: ApiScope[]): Promise<{ id: string; key: string; organizationId: string; workspaceId: string | null; scopes: ApiScope[] }> {
  let organizationId: string;
  let workspace: WorkspaceDoc | null = null;
  if ('workspaceId' in owner) {
    workspace = await deps.store.workspaces.findById(owner.workspaceId);
    if (!workspace) throw notFound('workspace', owner.workspaceId);
    organizationId = workspace.organizationId;
  } else {
    const org = await deps.store.organizations.findById(owner.organizationId);
    if (!org) throw notFound('organization', owner.organizationId);
    organizationId = org._id;
  }
  const key = generateApiKey();
  const id = newId('apiKey');
  const uniqueScopes = [...new Set(scopes)];
  await deps.store.apiKeys.insert({
    _id: id,
    hash: hashApiKey(key),
    hint: keyHint(key),
    organizationId,
    workspaceId: workspace?._id ?? null,
    scopes: uniqueScopes,
    createdAt: deps.clock(),
    revokedAt: null,
  });
  if (workspace) {
    await recordSystemEvent(deps, workspace, {
      category: 'workspace',
      action: 'settings_changed',
      target: { type: 'api_key', id },
      description: 'API key created',
      metadata: { change: 'api_key_created', apiKeyId: id, scopes: uniqueScopes },
    });
  }
  return { id, key, organizationId, workspaceId: workspace?._id ?? null, scopes: uniqueScopes };
}

export async function revokeApiKey(deps: ApiDeps, id: string): Promise<{ id: string; revoked: boolean }> {
  const doc = await deps.store.apiKeys.findById(id);
  if (!doc) throw notFound('API key', id);
  const revoked = await deps.store.apiKeys.revoke(id, deps.clock());
  const workspace = doc.workspaceId ? await deps.store.workspaces.findById(doc.workspaceId) : null;
  if (revoked && workspace) {
    await recordSystemEvent(deps, workspace, {
      category: 'workspace',
      action: 'settings_changed',
      target: { type: 'api_key', id },
      description: 'API key revoked',
      metadata: { change: 'api_key_revoked', apiKeyId: id },
    });
  }
  return { id, revoked: true };
}
