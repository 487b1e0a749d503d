import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import { KEY_CACHE_MS } from './key-cache.ts';

let env: TestEnv;
let t: Tenant;

beforeAll(async () => {
  env = await openTestEnv();
  t = await env.tenant('enterprise');
});

afterAll(() => env?.close());

describe('the key look-up cache', () => {
  it('lets a revocation made by another process take effect within the window, and one made here at once', async () => {
    await expect(env.callerFor(t.key)).resolves.toBeDefined();
    const caller = await env.callerFor(t.key);
    await caller.events.list({ limit: 1 });
    // As another API process would: the database changes, this process's cache is not told.
    await env.deps.store.apiKeys.revoke(t.keyId, new Date());
    const started = Date.now();
    let refusedAfter = -1;
    while (Date.now() - started < KEY_CACHE_MS * 3) {
      const c = await env.callerFor(t.key);
      const refused = await c.events.list({ limit: 1 }).then(
        () => false,
        (err: { code?: string }) => err.code === 'UNAUTHORIZED',
      );
      if (refused) {
        refusedAfter = Date.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(refusedAfter).toBeGreaterThanOrEqual(0);
    expect(refusedAfter).toBeLessThanOrEqual(KEY_CACHE_MS + 1_500);

    const other = await env.tenant('enterprise');
    await (await env.callerFor(other.key)).events.list({ limit: 1 });
    await env.admin.admin.apiKeys.revoke({ id: other.keyId });
    await expect((await env.callerFor(other.key)).events.list({ limit: 1 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});
