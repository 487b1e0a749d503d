import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type TestEnv } from '@audit/testing';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const ev = (i: number) => ({ category: 'lock' as const, action: 'created', actor: { type: 'user' as const, id: `u${i}` } });

describe('sequence numbers under concurrent writers', () => {
  // FerretDB applies $inc without isolation, so concurrent writers are handed the same numbers;
  // the unique (workspaceId, seq) index and the store's retry must still give each event its own.
  it('gives every event of a workspace its own seq, in batch order, however many write at once', async () => {
    const t = await env.tenant('enterprise');
    const singles = Array.from({ length: 24 }, (_, i) => t.caller.events.record(ev(i)));
    const batches = Array.from({ length: 6 }, (_, b) => t.caller.events.recordBatch({ events: Array.from({ length: 40 }, (_, i) => ev(b * 100 + i)) }));
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
