import { hasEntitlement, type Entitlement } from '@audit/shared';
import type { Store, WorkspaceDoc } from '@audit/store';
import { badRequest, forbidden, notFound } from '../errors.ts';
import type { Principal } from './authenticate.ts';

export type KeyPrincipal = Extract<Principal, { kind: 'key' }>;

/**
 * The workspace a key acts on. A workspace key acts on its own (naming another one is "not
 * found", so existence does not leak); an organization key must name one of its workspaces.
 */
export async function findWorkspaceForKey(
  store: Store,
  key: KeyPrincipal,
  asked: string | undefined,
  maxAgeMs = 0,
): Promise<WorkspaceDoc> {
  let workspace: WorkspaceDoc | null;
  if (key.workspaceId !== null) {
    if (asked !== undefined && asked !== key.workspaceId) throw notFound('workspace', asked);
    workspace =
      maxAgeMs > 0
        ? await store.workspaces.findRecent(key.workspaceId, maxAgeMs)
        : await store.workspaces.findById(key.workspaceId);
  } else {
    if (asked === undefined) throw badRequest('workspaceId: required when calling with an organization key');
    if (maxAgeMs > 0) {
      // A workspace never moves to another organization: a recent read answers the tenant check.
      const found = await store.workspaces.findRecent(asked, maxAgeMs);
      workspace = found && found.organizationId === key.organizationId ? found : null;
    } else {
      workspace = await store.workspaces.findInOrganization(key.organizationId, asked);
    }
  }
  if (!workspace) throw notFound('workspace', asked ?? key.workspaceId ?? '');
  return workspace;
}

export function assertEntitled(workspace: WorkspaceDoc, entitlement: Entitlement, feature: string): void {
  if (!hasEntitlement(workspace.plan, entitlement)) {
    throw forbidden(
      `${feature} requires the Enterprise plan; workspace ${workspace._id} is on the ${workspace.plan} plan`,
    );
  }
}
