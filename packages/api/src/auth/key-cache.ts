import type { ApiKeyDoc, Store } from '@audit/store';

/**
 * How long a process trusts a key it has looked up. On FerretDB every look-up by hash scans
 * `api_keys`, and a tenant hammering at its rate limit would pay that scan on every refused call:
 * cached, a refusal costs no database work. Revocation in this process takes effect at once
 * (forgetKey); in the other API processes within this window.
 */
export const KEY_CACHE_MS = 2_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  doc: ApiKeyDoc;
  at: number;
}

const caches = new WeakMap<Store, Map<string, Entry>>();

function cacheOf(store: Store): Map<string, Entry> {
  let c = caches.get(store);
  if (!c) {
    c = new Map();
    caches.set(store, c);
  }
  return c;
}

/** The key with this hash, from the cache when looked up within the window. Unknown keys are never cached. */
export async function findKeyByHash(store: Store, hash: string, nowMs: number): Promise<ApiKeyDoc | null> {
  const cache = cacheOf(store);
  const hit = cache.get(hash);
  if (hit && nowMs - hit.at < KEY_CACHE_MS && nowMs >= hit.at) return hit.doc;
  const doc = await store.apiKeys.findByHash(hash);
  if (!doc) {
    cache.delete(hash);
    return null;
  }
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(hash, { doc, at: nowMs });
  return doc;
}

/** After a revocation here: the next request with that key reads the database again. */
export function forgetKey(store: Store, keyId: string): void {
  const cache = cacheOf(store);
  for (const [hash, entry] of cache) if (entry.doc._id === keyId) cache.delete(hash);
}
