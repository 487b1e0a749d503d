import { newId, planChangeAction, type Plan } from '@audit/shared';
import type { WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { recordSystemEvent } from '../events/events-service.ts';

export async function createOrganization(deps: ApiDeps, name: string): Promise<{ id: string }> {
  const id = newId('organization');
  await deps.store.organizations.insert({ _id: id, name, createdAt: deps.clock() });
  return { id };
}

export async function createWorkspace(
  deps: ApiDeps,
  input: { organizationId: string; name: string; plan: Plan },
): Promise<{ id: string }> {
  const org = await deps.store.organizations.findById(input.organizationId);
  if (!org) throw notFound('organization', input.organizationId);
  const now = deps.clock();
  const ws: WorkspaceDoc = {
    _id: newId('workspace'),
    organizationId: org._id,
    name: input.name,
    plan: input.plan,
    hasEnabledWebhooks: false,
    createdAt: now,
    updatedAt: now,
  };
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

export async function setWorkspacePlan(
  deps: ApiDeps,
  workspaceId: string,
  plan: Plan,
): Promise<{ id: string; plan: Plan; previousPlan: Plan }> {
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
