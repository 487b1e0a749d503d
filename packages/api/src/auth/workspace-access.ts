import { hasEntitlement, type Entitlement } from '@audit/shared';
import type { Store, WorkspaceDoc } from '@audit/store';
import { badRequest, forbidden, notFound } from '../errors.ts';
import type { Principal } from './authenticate.ts';
import { KEY_CACHE_MS } from './key-cache.ts';

export type KeyPrincipal = Extract<Principal, { kind: 'key' }>;

/**
 * How old the workspace a record call acts on may be (see WorkspacesStore.findRecent): as long as
 * the key that makes the call is trusted. Recording reads nothing of the workspace that changes
 * but its plan and destination flag, which only decide whether destinations are woken.
 */
export const RECORDING_WORKSPACE_MAX_AGE_MS = KEY_CACHE_MS;

/**
 * The workspace a key acts on. A workspace key acts on its own (naming another one is "not
 * found", so existence does not leak); an organization key must name one of its workspaces.
 * With `maxAgeMs`, a workspace this process read that recently will do.
 */
export async function findWorkspaceForKey(
  store: Store,
  key: KeyPrincipal,
  asked: string | undefined,
  maxAgeMs = 0,
): Promise<WorkspaceDoc> {
  if (key.workspaceId !== null && asked !== undefined && asked !== key.workspaceId) throw notFound('workspace', asked);
  const id = key.workspaceId ?? asked;
  if (id === undefined) throw badRequest('workspaceId: required when calling with an organization key');
  const workspace = await lookUp(store, key, id, maxAgeMs);
  if (!workspace) throw notFound('workspace', id);
  return workspace;
}

/** The workspace, if it is the key's own or one of its organization's. */
async function lookUp(store: Store, key: KeyPrincipal, id: string, maxAgeMs: number): Promise<WorkspaceDoc | null> {
  const { workspaces } = store;
  if (maxAgeMs <= 0) {
    return key.workspaceId !== null ? workspaces.findById(id) : workspaces.findInOrganization(key.organizationId, id);
  }
  const doc = await workspaces.findRecent(id, maxAgeMs);
  return key.workspaceId !== null || doc?.organizationId === key.organizationId ? doc : null;
}

export function assertEntitled(workspace: WorkspaceDoc, entitlement: Entitlement, feature: string): void {
  if (!hasEntitlement(workspace.plan, entitlement)) {
    throw forbidden(`${feature} requires the Enterprise plan; workspace ${workspace._id} is on the ${workspace.plan} plan`);
  }
}
