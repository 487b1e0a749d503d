import { newId } from '@audit/shared';
import type { ApiKeyDoc, ApiScope, WorkspaceDoc } from '@audit/store';
import { generateApiKey, hashApiKey, keyHint, keyPrefix } from '../auth/api-keys.ts';
import { forgetKey } from '../auth/key-cache.ts';
import type { ApiDeps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
import { affectedWorkspaces, recordKeyChange } from './api-key-audit.ts';
import { toApiKeyView, type ApiKeyView } from './api-key-view.ts';

export type KeyOwner = { workspaceId: string } | { organizationId: string };

/** More keys than anyone manages by hand; past it the answer says it was cut. */
export const API_KEY_LIST_LIMIT = 1000;

export interface CreatedApiKey {
  id: string;
  key: string;
  prefix: string;
  organizationId: string;
  workspaceId: string | null;
  scopes: ApiScope[];
  expiresAt: string | null;
}

async function resolveOwner(
  deps: ApiDeps,
  owner: KeyOwner,
): Promise<{ organizationId: string; workspace: WorkspaceDoc | null }> {
  if ('workspaceId' in owner) {
    const workspace = await deps.store.workspaces.findById(owner.workspaceId);
    if (!workspace) throw notFound('workspace', owner.workspaceId);
    return { organizationId: workspace.organizationId, workspace };
  }
  const org = await deps.store.organizations.findById(owner.organizationId);
  if (!org) throw notFound('organization', owner.organizationId);
  return { organizationId: org._id, workspace: null };
}

/**
 * The key is returned here and never again: only its hash is stored. The audit events are written
 * before the key, so no key ever works whose creation the affected workspaces cannot see.
 */
export async function createApiKey(
  deps: ApiDeps,
  owner: KeyOwner,
  scopes: ApiScope[],
  expiresAtIso?: string,
): Promise<CreatedApiKey> {
  const now = deps.clock();
  const expiresAt = expiresAtIso === undefined ? null : new Date(expiresAtIso);
  if (expiresAt && expiresAt.getTime() <= now.getTime())
    throw invalidField(['expiresAt'], `must be in the future (it is ${now.toISOString()} now)`);
  const { organizationId, workspace } = await resolveOwner(deps, owner);
  const key = generateApiKey();
  const doc: ApiKeyDoc = {
    _id: newId('apiKey'),
    hash: hashApiKey(key),
    hint: keyHint(key),
    organizationId,
    workspaceId: workspace?._id ?? null,
    scopes: [...new Set(scopes)],
    createdAt: now,
    revokedAt: null,
    expiresAt,
    lastUsedAt: null,
  };
  await recordKeyChange(deps, workspace ? [workspace] : await affectedWorkspaces(deps, doc), doc, 'api_key_created');
  await deps.store.apiKeys.insert(doc);
  return {
    id: doc._id,
    key,
    prefix: keyPrefix(doc.hint),
    organizationId,
    workspaceId: doc.workspaceId,
    scopes: doc.scopes,
    expiresAt: expiresAt?.toISOString() ?? null,
  };
}

/**
 * Revokes first (the key stops working at once), then records. A repeated revoke records again
 * under the same idempotency keys, so it completes what a failed one left out and adds nothing.
 */
export async function revokeApiKey(deps: ApiDeps, id: string): Promise<{ id: string; revoked: boolean }> {
  const doc = await deps.store.apiKeys.findById(id);
  if (!doc) throw notFound('API key', id);
  const now = deps.clock();
  const revokedNow = await deps.store.apiKeys.revoke(id, now);
  forgetKey(deps.store, id);
  const after = revokedNow ? { ...doc, revokedAt: now } : await deps.store.apiKeys.findById(id);
  if (after?.revokedAt) await recordKeyChange(deps, await affectedWorkspaces(deps, after), after, 'api_key_revoked');
  return { id, revoked: true };
}

/**
 * An organization's keys, or those that can act on one workspace (its own and the organization's),
 * oldest first, without hash or secret.
 */
export async function listApiKeys(deps: ApiDeps, owner: KeyOwner): Promise<{ keys: ApiKeyView[]; truncated: boolean }> {
  const { organizationId, workspace } = await resolveOwner(deps, owner);
  const docs = await deps.store.apiKeys.listForOrganization(organizationId, API_KEY_LIST_LIMIT + 1, workspace?._id);
  return { keys: docs.slice(0, API_KEY_LIST_LIMIT).map(toApiKeyView), truncated: docs.length > API_KEY_LIST_LIMIT };
}
