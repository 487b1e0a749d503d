import type { ApiKeyDoc, ApiScope } from '@audit/store';
import { keyPrefix } from '../auth/api-keys.ts';

/** A key as `admin.apiKeys.list` shows it: built field by field, so neither the hash nor any later secret-bearing field can leak. */
export interface ApiKeyView {
  id: string;
  /** The visible start of the key (`atk_` and 6 more characters): `key.startsWith(prefix)`. */
  prefix: string;
  owner: { type: 'workspace'; id: string } | { type: 'organization'; id: string };
  organizationId: string;
  workspaceId: string | null;
  scopes: ApiScope[];
  createdAt: string;
  /** Written at most once a minute per key and process, so it may lag by that much. */
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export function ownerOf(doc: Pick<ApiKeyDoc, 'organizationId' | 'workspaceId'>): ApiKeyView['owner'] {
  return doc.workspaceId
    ? { type: 'workspace', id: doc.workspaceId }
    : { type: 'organization', id: doc.organizationId };
}

export function toApiKeyView(doc: ApiKeyDoc): ApiKeyView {
  return {
    id: doc._id,
    prefix: keyPrefix(doc.hint),
    owner: ownerOf(doc),
    organizationId: doc.organizationId,
    workspaceId: doc.workspaceId,
    scopes: doc.scopes,
    createdAt: doc.createdAt.toISOString(),
    lastUsedAt: iso(doc.lastUsedAt),
    expiresAt: iso(doc.expiresAt),
    revokedAt: iso(doc.revokedAt),
  };
}
