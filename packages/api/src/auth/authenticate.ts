import type { ApiKeyDoc, ApiScope, Store } from '@audit/store';
import { keyExpired } from '../errors.ts';
import { constantTimeEquals, hashApiKey, keyPrefix, looksLikeApiKey } from './api-keys.ts';
import { findKeyByHash } from './key-cache.ts';
import { lastUsedFor } from './last-used.ts';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'key'; keyId: string; organizationId: string; workspaceId: string | null; scopes: ApiScope[] };

/**
 * Resolves an `Authorization` header to who is calling, or null for anyone unknown or revoked.
 * An expired key throws UNAUTHORIZED saying when it expired: only a holder of the whole secret
 * learns that, and it tells them to ask for a new key rather than check what they pasted.
 */
export async function authenticate(
  store: Store,
  adminToken: string,
  header: string | undefined,
  now: Date = new Date(),
): Promise<Principal | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) return null;
  const token = match[1]!;
  if (looksLikeApiKey(token)) {
    const doc = await findKeyByHash(store, hashApiKey(token), Date.now());
    if (!doc || doc.revokedAt !== null) return null;
    const expiresAt = doc.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) throw keyExpired(keyPrefix(doc.hint), expiresAt);
    lastUsedFor(store).record(doc._id, doc.lastUsedAt, now);
    return toPrincipal(doc);
  }
  return constantTimeEquals(token, adminToken) ? { kind: 'admin' } : null;
}

function toPrincipal(doc: ApiKeyDoc): Principal {
  return {
    kind: 'key',
    keyId: doc._id,
    organizationId: doc.organizationId,
    workspaceId: doc.workspaceId,
    scopes: doc.scopes,
  };
}
