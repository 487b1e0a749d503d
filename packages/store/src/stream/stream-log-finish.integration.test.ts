import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../create-store.ts';
import { createStore } from '../create-store.ts';
import type { NewEvent } from '../events-store.ts';
import type { Mongo } from '../mongo.ts';
import { openStore } from '../open-store.ts';
import { claimId, insertClaimed, ROLL_FORWARD_AFTER_MS } from './stream-log-store.ts';

/** What follows a claim's events (the hint, the commit mark) and what readers do when it never came. */
let store: Store;
let mongo: Mongo;
beforeAll(async () => {
  const uri = (inject as (k: string) => unknown)('mongodbUri') as string;
  ({ store, mongo } = await openStore(uri, `t_fin_${randomBytes(4).toString('hex')}`));
});
afterAll(async () => {
  await mongo?.db.dropDatabase();
  await mongo?.close();
});

async function workspace(): Promise<string> {
  const id = `wsp_${randomBytes(6).toString('hex')}`;
  const now = new Date();
  const doc = { _id: id, organizationId: 'org_1', name: 'w', plan: 'enterprise' as const, eventSeq: 0 };
  await store.workspaces.insert({ ...doc, createdAt: now, updatedAt: now });
  return id;
}

function event(workspaceId: string, idem?: string): NewEvent {
  const id = `evt_${randomBytes(8).toString('hex')}`;
  const at = new Date();
  return {
    _id: id,
    workspaceId,
    organizationId: 'org_1',
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'u' },
    target: null,
    description: null,
    metadata: {},
    occurredAt: at,
    recordedAt: at,
    context: {},
    idempotencyKey: idem ?? null,
    idem: idem ?? `auto:${id}`,
    tokens: [],
  };
}

const hintOf = async (ws: string) => (await store.workspaces.findById(ws))?.eventSeq;
const markOf = (ws: string, first: number) => store.streamLog.commits.findOne({ _id: claimId(ws, first) });

describe('finishing a claim after the answer', () => {
  it('moves the hint past the claims and writes their commit marks, the refused numbers in them', async () => {
    const ws = await workspace();
    const calls = [
      store.events.insertForWorkspace(ws, [event(ws, 'k-1'), event(ws)]),
      store.events.insertForWorkspace(ws, [event(ws, 'k-1')]),
      store.events.insertForWorkspace(ws, [event(ws)]),
    ];
    const results = (await Promise.all(calls)).flat();
    expect(results.map((r) => r.created)).toEqual([true, true, false, true]);
    await store.events.settled();
    expect(await hintOf(ws)).toBe(4);
    expect((await markOf(ws, 1))?.unused).toEqual([]);
    expect((await markOf(ws, 3))?.unused).toEqual([3]);
    expect((await markOf(ws, 4))?.unused).toEqual([]);
    expect((await store.streamLog.resolve(ws, 3, new Date()))).toMatchObject({ unused: new Set([3]) });
  });

  it('leaves a dead writer’s claim to the reader, who rolls it forward and moves the hint', async () => {
    const ws = await workspace();
    const writer = createStore(store.db);
    const old = new Date(Date.now() - ROLL_FORWARD_AFTER_MS - 1_000);
    // The writer stored its claim and events, then died before its hint and mark.
    const claim = await writer.streamLog.claim(ws, [event(ws)], old);
    await insertClaimed(writer.events.col, claim.events);
    expect(await hintOf(ws)).toBe(0);
    expect(await store.streamLog.hasClaimAt(ws, 1)).toBe(true);
    expect(await store.streamLog.hasClaimAt(ws, 2)).toBe(false);

    const read = await createStore(store.db).streamLog.resolve(ws, 1, new Date());
    expect(read).toMatchObject({ unused: new Set() });
    expect(await hintOf(ws)).toBe(1);
    expect((await markOf(ws, 1))?.unused).toEqual([]);
  });

  it('leaves a young claim without a mark open to readers', async () => {
    const ws = await workspace();
    const claim = await store.streamLog.claim(ws, [event(ws)], new Date());
    await insertClaimed(store.events.col, claim.events);
    expect(await createStore(store.db).streamLog.resolve(ws, 1, new Date())).toBe('open');
    expect(await hintOf(ws)).toBe(0);
  });
});
