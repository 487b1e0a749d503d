import type { ApiKeyDoc, ApiScope, Store } from '@audit/store';
import { constantTimeEquals, hashApiKey, looksLikeApiKey } from './api-keys.ts';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'key'; keyId: string; organizationId: string; workspaceId: string | null; scopes: ApiScope[] };

/** Resolves an `Authorization` header to who is calling, or null for anyone unknown or revoked. */
export async function authenticate(store: Store, adminToken: string, header: string | undefined): Promise<Principal | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) return null;
  const token = match[1]!;
  if (looksLikeApiKey(token)) {
    const doc = await store.apiKeys.findByHash(hashApiKey(token));
    return doc && doc.revokedAt === null ? toPrincipal(doc) : null;
  }
  return constantTimeEquals(token, adminToken) ? { kind: 'admin' } : null;
}

function toPrincipal(doc: ApiKeyDoc): Principal {
  return { kind: 'key', keyId: doc._id, organizationId: doc.organizationId, workspaceId: doc.workspaceId, scopes: doc.scopes };
}
