import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '@audit/store';
import { openTestEnv, type TestEnv } from '@audit/testing';
import { appRouter } from '../router.ts';
import { createContext } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/procedures.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const ev = (i: number) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: `u${i}` },
});

describe('sequence numbers under concurrent writers', () => {
  // FerretDB applies $inc without isolation. One process queues its own reservations; two
  // processes (two stores here) are handed the same numbers, and the unique (workspaceId, seq)
  // index with the store's retry must still give each event its own.
  it('gives every event of a workspace its own seq, in batch order, with two processes writing at once', async () => {
    const t = await env.tenant('enterprise');
    const principal = {
      kind: 'key' as const,
      keyId: t.keyId,
      organizationId: t.organizationId,
      workspaceId: t.workspaceId,
      scopes: ['events:write' as const],
    };
    const other = createCallerFactory(appRouter)(
      createContext({ ...env.deps, store: createStore(env.deps.store.db) }, principal),
    );
    const callers = [t.caller, other];
    const singles = Array.from({ length: 24 }, (_, i) => callers[i % 2]!.events.record(ev(i)));
    const batches = Array.from({ length: 6 }, (_, b) =>
      callers[b % 2]!.events.recordBatch({ events: Array.from({ length: 40 }, (_, i) => ev(b * 100 + i)) }),
    );
    const [one, many] = await Promise.all([Promise.all(singles), Promise.all(batches)]);
    const seqs = [...one.map((e) => e.seq), ...many.flatMap((b) => b.events.map((e) => e.seq))];
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const b of many) {
      const inBatch = b.events.map((e) => e.seq);
      expect(inBatch).toEqual([...inBatch].sort((x, y) => x - y));
    }
    const stored = await env.deps.store.events.col.find({ workspaceId: t.workspaceId }).toArray();
    expect(new Set(stored.map((d) => d.seq)).size).toBe(stored.length);
  });
});
