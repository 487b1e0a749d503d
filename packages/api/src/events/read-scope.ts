import { plansWithEntitlement, type WorkspaceRef } from '@audit/shared';
import type { WorkspaceDoc } from '@audit/store';
import { assertEntitled, findWorkspaceForKey, type KeyPrincipal } from '../auth/workspace-access.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest, forbidden } from '../errors.ts';

export type ScopeName = 'workspace' | 'organization';

/** The workspaces one read covers, already checked to be the caller's and on Enterprise. */
export interface ReadScope {
  scope: ScopeName;
  organizationId: string;
  workspaces: WorkspaceDoc[];
}

const FEATURE = 'reading the audit log';

/**
 * Workspace scope behaves exactly as every workspace procedure (another tenant's workspace is
 * "not found"); organization scope needs an organization key and covers only the organization's
 * Enterprise workspaces, so a workspace on another plan is left out rather than refused.
 */
export async function resolveReadScope(
  deps: ApiDeps,
  key: KeyPrincipal,
  input: { scope?: ScopeName | undefined; workspaceId?: string | undefined },
): Promise<ReadScope> {
  if (!key.scopes.includes('events:read')) throw forbidden('this API key lacks the "events:read" scope');
  if (input.scope === 'organization') {
    if (key.workspaceId !== null)
      throw forbidden('organization scope needs an organization API key; this key belongs to one workspace');
    if (input.workspaceId !== undefined)
      throw badRequest(
        'workspaceId: not allowed with scope "organization"; narrow with the workspace: qualifier instead',
      );
    const workspaces = await deps.store.workspaces.listForOrganization(
      key.organizationId,
      plansWithEntitlement('viewer'),
    );
    if (workspaces.length === 0)
      throw forbidden(
        `${FEATURE} requires the Enterprise plan; no workspace of organization ${key.organizationId} is on it`,
      );
    return { scope: 'organization', organizationId: key.organizationId, workspaces };
  }
  const workspace = await findWorkspaceForKey(deps.store, key, input.workspaceId);
  assertEntitled(workspace, 'viewer', FEATURE);
  return { scope: 'workspace', organizationId: key.organizationId, workspaces: [workspace] };
}

/** A `workspace:` value names a workspace by id, or by the start of its name, ignoring case. */
function matches(ws: WorkspaceDoc, ref: WorkspaceRef): boolean {
  const value = ref.value.toLowerCase();
  return ws._id.toLowerCase() === value || ws.name.toLowerCase().startsWith(value);
}

/** Applies `workspace:` qualifiers; a value that names none of the scope's workspaces is an error. */
export function narrowWorkspaces(
  scope: ReadScope,
  refs: { include: WorkspaceRef[]; exclude: WorkspaceRef[] },
  queryError: (position: number, reason: string) => Error,
): WorkspaceDoc[] {
  const all = [...refs.include, ...refs.exclude];
  if (all.length === 0) return scope.workspaces;
  if (scope.scope !== 'organization')
    throw queryError(all[0]!.position, 'workspace: only applies in organization scope');
  for (const ref of all) {
    if (!scope.workspaces.some((ws) => matches(ws, ref))) {
      throw queryError(
        ref.position,
        `workspace: "${ref.value}" is not one of this organization's Enterprise workspaces`,
      );
    }
  }
  return scope.workspaces.filter(
    (ws) =>
      (refs.include.length === 0 || refs.include.some((r) => matches(ws, r))) &&
      !refs.exclude.some((r) => matches(ws, r)),
  );
}
