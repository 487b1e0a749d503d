import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockCreated, openTestEnv, type TestEnv } from '@audit/testing';

/**
 * The export cap (RATE_LIMIT_CONCURRENT_EXPORTS, default 2) over real HTTP. The export windows
 * are set out of reach, so only the cap can refuse.
 */
let env: TestEnv;
let http: { url: string; close(): Promise<void> };

beforeAll(async () => {
  env = await openTestEnv({
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_EXPORT_PER_KEY: '100/1h',
    RATE_LIMIT_EXPORT_PER_WORKSPACE: '100/1h',
  });
  http = await env.http();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

type Stream = (ids: string[], ...rest: never[]) => AsyncIterable<unknown> & { close(): Promise<void> };

describe('the export cap', () => {
  it('holds a tenant to two exports streaming, refusing the next at once, while another tenant exports', async () => {
    const [c, d] = [await env.tenant('enterprise'), await env.tenant('enterprise')];
    for (const t of [c, d])
      await t.caller.events.recordBatch({ events: Array.from({ length: 5 }, (_, i) => lockCreated(i)) });
    // C's exports stop before their first row until the gate opens: two of them then hold C's two slots.
    const events = env.deps.store.events as unknown as { streamForWorkspaces: Stream };
    const original = events.streamForWorkspaces;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered = 0;
    events.streamForWorkspaces = function (this: unknown, ids, ...rest) {
      const cursor = original.call(this, ids, ...rest);
      if (!ids.includes(c.workspaceId)) return cursor;
      entered++;
      return Object.assign(
        (async function* () {
          await gate;
          yield* cursor;
        })(),
        { close: () => cursor.close() },
      );
    };
    const exportOf = (key: string) =>
      fetch(`${http.url}/export?format=ndjson`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(10_000),
      });
    try {
      const held = [exportOf(c.key), exportOf(c.key)];
      while (entered < 2) await new Promise((r) => setTimeout(r, 10));
      // Without the cap this third export would wait at the gate: the timeout makes that a failure, not a hang.
      const refused = await exportOf(c.key);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
        'concurrency limit: at most 2 exports in flight per workspace; retry in 1 s',
      );
      // Another tenant's export is not counted against C's slots.
      const other = await exportOf(d.key);
      expect(other.status).toBe(200);
      expect((await other.text()).trim().split('\n').length).toBeGreaterThanOrEqual(5);
      open();
      const done = await Promise.all(held);
      expect(done.map((r) => r.status)).toEqual([200, 200]);
      await Promise.all(done.map((r) => r.text()));
      // Both slots come back once the streams have ended (a slot is handed back just after its
      // response ends, once the cursor is closed: asked again until then, a leaked slot fails).
      let statuses = [0];
      for (let i = 0; i < 100 && !statuses.every((s) => s === 200); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 20));
        const again = await Promise.all([exportOf(c.key), exportOf(c.key)]);
        await Promise.all(again.map((r) => r.arrayBuffer()));
        statuses = again.map((r) => r.status);
      }
      expect(statuses).toEqual([200, 200]);
    } finally {
      open();
      events.streamForWorkspaces = original;
    }
  });
});
