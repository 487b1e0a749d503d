import type { ApiKeyDoc, WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { recordSystemEvent } from '../events/events-service.ts';
import { keyPrefix } from '../auth/api-keys.ts';

export type KeyChange = 'api_key_created' | 'api_key_revoked';

/**
 * The workspaces a key can act on, whose audit logs must show it come and go: its own, or every
 * workspace of its organization for an organization key.
 */
export async function affectedWorkspaces(
  deps: ApiDeps,
  doc: Pick<ApiKeyDoc, 'organizationId' | 'workspaceId'>,
): Promise<WorkspaceDoc[]> {
  if (!doc.workspaceId) return deps.store.workspaces.listForOrganization(doc.organizationId);
  const ws = await deps.store.workspaces.findById(doc.workspaceId);
  return ws ? [ws] : [];
}

/**
 * `workspace.settings_changed` with `metadata.change`, as for webhook destinations: the
 * `workspace` actions mirror the product documentation word for word, so no new action is made
 * up. Never the secret or its hash. The idempotency key lets a retried revoke fill in what a
 * failed one left out without writing anything twice; it holds what a tenant cannot know in
 * advance (a key id not yet shown to anyone, the revocation's millisecond), so no one can
 * pre-record an event under it to suppress the real one.
 */
export async function recordKeyChange(
  deps: ApiDeps,
  workspaces: WorkspaceDoc[],
  doc: ApiKeyDoc,
  change: KeyChange,
): Promise<void> {
  const prefix = keyPrefix(doc.hint);
  const scope = doc.workspaceId ? 'workspace' : 'organization';
  const verb = change === 'api_key_created' ? 'created' : 'revoked';
  const metadata = {
    change,
    apiKeyId: doc._id,
    prefix,
    owner: scope,
    scopes: doc.scopes,
    expiresAt: doc.expiresAt?.toISOString() ?? null,
    ...(change === 'api_key_revoked' ? { revokedAt: doc.revokedAt?.toISOString() ?? null } : {}),
  };
  // One at a time: an organization may have thousands of workspaces, and this is an admin call.
  for (const ws of workspaces) {
    await recordSystemEvent(deps, ws, {
      category: 'workspace',
      action: 'settings_changed',
      target: { type: 'api_key', id: doc._id, name: `${prefix}…` },
      description: `${scope === 'workspace' ? 'API key' : 'Organization API key'} ${prefix}… ${verb}`,
      metadata,
      idempotencyKey:
        change === 'api_key_created'
          ? `api-key-created:${doc._id}`
          : `api-key-revoked:${doc._id}:${doc.revokedAt?.getTime() ?? 0}`,
    });
  }
}
