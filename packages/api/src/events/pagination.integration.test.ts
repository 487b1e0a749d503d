import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
let t: Tenant;
beforeAll(async () => {
  env = await openTestEnv();
  t = await env.tenant('enterprise');
});
afterAll(async () => {
  await env?.close();
});

const ev = (i: number, word = 'seed') => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: `u${i % 3}` },
  description: `${word} event ${i}`,
});

describe('keyset pagination', () => {
  it('pages newest first with no row twice and none skipped while events keep arriving', async () => {
    // Batches share one recordedAt, so the tie-break on id is exercised too.
    for (let b = 0; b < 6; b++)
      await t.caller.events.recordBatch({ events: Array.from({ length: 20 }, (_, i) => ev(b * 20 + i)) });
    const existing = (
      await env.deps.store.events.col.find({ workspaceId: t.workspaceId }, { projection: { _id: 1 } }).toArray()
    ).map((d) => d._id);

    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await t.caller.events.recordBatch({ events: [ev(1000 + written, 'late'), ev(1001 + written, 'late')] });
        written += 2;
      }
    })();
    const seen: string[] = [];
    const pages: string[][] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await t.caller.events.list({ limit: 7, cursor });
        pages.push(page.items.map((i) => i.id));
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } finally {
      writing = false;
      await writer;
    }
    expect(written).toBeGreaterThan(0);
    const late = seen.filter((id) => !existing.includes(id));
    const old = seen.filter((id) => existing.includes(id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(old.sort()).toEqual([...existing].sort());
    // Only events newer than the first page's top can be late, and they all sit on page one.
    expect(late.every((id) => pages[0]!.includes(id))).toBe(true);
  });

  it('walks back with prevCursor to the same pages, and keeps a search across pages', async () => {
    const forward: string[][] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.caller.events.list({ q: 'seed u1', limit: 6, cursor });
      forward.push(page.items.map((i) => i.id));
      cursors.push(page.prevCursor);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(forward.flat().length).toBe(40);
    expect(cursors[0]).toBeNull();
    await t.caller.events.recordBatch({ events: [ev(1, 'seed'), ev(4, 'seed')] });

    // From the last page back to the first, each previous page is the one seen going forward.
    let back = cursors.at(-1)!;
    for (let i = forward.length - 2; i >= 0; i--) {
      const page = await t.caller.events.list({ q: 'seed u1', limit: 6, cursor: back });
      expect(page.items.map((e) => e.id)).toEqual(forward[i]);
      expect(page.nextCursor).not.toBeNull();
      back = page.prevCursor!;
    }
    // The two events that arrived meanwhile are newer still; past them the top is a full page.
    expect(back).not.toBeNull();
    const top = await t.caller.events.list({ q: 'seed u1', limit: 6, cursor: back });
    expect(top.prevCursor).toBeNull();
    expect(top.items).toHaveLength(6);
    expect(top.items.slice(0, 2).map((e) => e.description)).toEqual(['seed event 4', 'seed event 1']);
  });
});
