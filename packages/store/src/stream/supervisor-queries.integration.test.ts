import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { minutesBetween } from '../change-minute.ts';
import type { WorkspaceDoc } from '../documents.ts';
import { createStore, type Store } from '../create-store.ts';
import { openStore } from '../open-store.ts';
import type { Mongo } from '../mongo.ts';
import type { WebhookDoc } from '../webhooks-store.ts';

/** What the stream supervisor and the record path read: the workspace flag, the change windows. */
let store: Store;
let mongo: Mongo;
let n = 0;
beforeAll(async () => {
  ({ store, mongo } = await openStore(
    (inject as (k: string) => unknown)('mongodbUri') as string,
    `t_sup_${randomBytes(4).toString('hex')}`,
  ));
});
afterAll(async () => {
  await mongo?.db.dropDatabase();
  await mongo?.close();
});

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));

async function workspace(extra: Partial<WorkspaceDoc> = {}): Promise<WorkspaceDoc> {
  const ws: WorkspaceDoc = {
    _id: `wsp_${String(++n).padStart(4, '0')}_${randomBytes(3).toString('hex')}`,
    organizationId: 'org_1',
    name: 'w',
    plan: 'enterprise',
    createdAt: at(0),
    updatedAt: at(0),
    ...extra,
  };
  await store.workspaces.insert(ws);
  return ws;
}

function hook(workspaceId: string, updatedAt = at(0), enabled = true): WebhookDoc {
  return {
    _id: `whk_${String(++n).padStart(4, '0')}_${randomBytes(3).toString('hex')}`,
    workspaceId,
    organizationId: 'org_1',
    url: 'https://example.com/hook',
    description: null,
    headers: [],
    categories: [],
    format: 'cloudevents',
    batchSize: 100,
    compression: 'none',
    enabled,
    disabledReason: enabled ? null : 'manual',
    disabledAt: null,
    secrets: [],
    createdAt: updatedAt,
    updatedAt,
  };
}

const flag = async (id: string) => (await store.workspaces.findById(id))?.hasEnabledWebhooks;

describe("the workspace's hasEnabledWebhooks", () => {
  it('follows inserts, enabling, disabling and deletes of its destinations', async () => {
    const ws = await workspace();
    expect(await flag(ws._id)).toBeUndefined();
    const a = hook(ws._id);
    const b = hook(ws._id);
    await store.webhooks.insert(a);
    expect(await flag(ws._id)).toBe(true);
    await store.webhooks.insert(b);
    await store.webhooks.update(ws._id, a._id, { enabled: false }, at(1));
    expect(await flag(ws._id)).toBe(true);
    expect(await store.webhooks.disableIfEnabled(ws._id, b._id, 'failing', at(2))).toBe(true);
    expect(await flag(ws._id)).toBe(false);
    await store.webhooks.update(ws._id, b._id, { enabled: true }, at(3));
    expect(await flag(ws._id)).toBe(true);
    await store.webhooks.deleteForWorkspace(ws._id, b._id);
    expect(await flag(ws._id)).toBe(false);
  });

  it('is learnt by the record path only while unknown', async () => {
    const unknown = await workspace();
    await store.workspaces.learnHasEnabledWebhooks(unknown._id, false);
    expect(await flag(unknown._id)).toBe(false);
    await store.workspaces.learnHasEnabledWebhooks(unknown._id, true);
    expect(await flag(unknown._id)).toBe(false);
  });

  it("is not moved by another workspace's destinations", async () => {
    const mine = await workspace({ hasEnabledWebhooks: false });
    const other = await workspace();
    await store.webhooks.insert(hook(other._id));
    expect(
      await store.webhooks.update(
        mine._id,
        (await store.webhooks.listForWorkspace(other._id, 1))[0]!._id,
        { enabled: false },
        at(1),
      ),
    ).toBeNull();
    expect(await flag(mine._id)).toBe(false);
    expect(await flag(other._id)).toBe(true);
  });
});

describe("the record path's recent workspace read", () => {
  it("sees this process's changes at once and another process's within the age it allows", async () => {
    const ws = await workspace({ hasEnabledWebhooks: false });
    const other = createStore(mongo.db);
    expect(await store.workspaces.findRecent(ws._id, 60_000)).toEqual(ws);
    await store.workspaces.setHasEnabledWebhooks(ws._id, true);
    expect((await store.workspaces.findRecent(ws._id, 60_000))?.hasEnabledWebhooks).toBe(true);
    await other.workspaces.setPlan(ws._id, 'team', at(1));
    // Another process's change: still the read of a moment ago, until it is older than allowed.
    expect((await store.workspaces.findRecent(ws._id, 60_000))?.plan).toBe('enterprise');
    expect((await store.workspaces.findRecent(ws._id, 60_000, Date.now() + 61_000))?.plan).toBe('team');
    expect(await store.workspaces.findRecent('wsp_missing', 60_000)).toBeNull();
  });
});

describe('the change windows', () => {
  it('pages destinations written since a time in (updatedAt, _id) order, ties across pages included once', async () => {
    const ws = await workspace();
    const old = hook(ws._id, at(-3600));
    const before = hook(ws._id, at(40));
    const same = Array.from({ length: 5 }, () => hook(ws._id, at(100)));
    const later = hook(ws._id, at(200), false);
    for (const h of [old, before, ...same, later]) await store.webhooks.insert(h);
    const minutes = minutesBetween(at(50), at(300));
    const seen: string[] = [];
    for (let after: { at: Date; id: string } | null = null; ;) {
      const page = await store.webhooks.pageChangedSince(minutes, at(50), after, 2);
      seen.push(...page.map((h) => h._id));
      if (page.length < 2) break;
      after = { at: page.at(-1)!.updatedAt, id: page.at(-1)!._id };
    }
    expect(seen).toEqual([...same.map((h) => h._id).sort(), later._id]);
  });

  it('finds a destination by the minute of its latest change, which the store keeps with it', async () => {
    // Times of its own: other tests' destinations are written at other minutes.
    const t0 = 100_000;
    const ws = await workspace();
    const h = hook(ws._id, at(t0 + 10));
    const alone = (s: number) => store.webhooks.pageChangedSince(minutesBetween(at(s), at(s + 59)), at(s), null, 10);
    await store.webhooks.insert(h);
    expect((await alone(t0)).map((d) => d._id)).toEqual([h._id]);
    await store.webhooks.update(ws._id, h._id, { description: 'later' }, at(t0 + 7200));
    expect(await alone(t0)).toEqual([]);
    expect((await alone(t0 + 7200)).map((d) => d._id)).toEqual([h._id]);
    await store.webhooks.disableIfEnabled(ws._id, h._id, 'gone', at(t0 + 9000));
    expect((await alone(t0 + 9000)).map((d) => d.enabled)).toEqual([false]);
  });

  it('moves the head with each claim, never back, and pages workspaces by it', async () => {
    const quiet = await workspace();
    const active = await workspace();
    store.streamLog.advanceHint({ workspaceId: active._id, last: 3, claimedAt: at(500) });
    store.streamLog.advanceHint({ workspaceId: active._id, last: 2, claimedAt: at(400) });
    await store.streamHeads.flush();
    // A head written by another process meanwhile: $max keeps the larger of the two.
    await store.streamHeads.col.updateOne({ _id: active._id }, { $max: { eventSeq: 2 } });
    const head = await store.streamHeads.get(active._id);
    expect(head).toMatchObject({ eventSeq: 3, lastEventAt: at(500), eventsIn: '2030-01-01T00:08' });
    const minutes = minutesBetween(at(450), at(600));
    const found = await store.streamHeads.pageMovedSince(minutes, at(450), null, 10);
    expect(found.map((w) => w._id)).toEqual([active._id]);
    expect(await store.streamHeads.get(quiet._id)).toBeNull();
    expect(await store.streamHeads.pageMovedSince(minutes, at(450), { at: at(500), id: active._id }, 10)).toEqual([]);
    expect(await store.streamHeads.pageMovedSince(minutesBetween(at(550), at(600)), at(550), null, 10)).toEqual([]);
  });

  it('coalesces a burst of claims into few head writes, the last one winning', async () => {
    const ws = await workspace();
    const spy = vi.spyOn(store.streamHeads.col, 'updateOne');
    let written: number[];
    try {
      for (let last = 1; last <= 50; last++)
        store.streamLog.advanceHint({ workspaceId: ws._id, last, claimedAt: at(last) });
      await store.streamHeads.flush();
    } finally {
      written = spy.mock.calls.map((c) => (c[1] as { $max: { eventSeq: number } }).$max.eventSeq);
      spy.mockRestore();
    }
    expect(await store.streamHeads.get(ws._id)).toMatchObject({ eventSeq: 50, lastEventAt: at(50) });
    // The first at once, then only the latest, after the spacing.
    expect(written).toEqual([1, 50]);
  });

  it('reads a workspace stored before heads by the end its own document kept', async () => {
    const legacy = await workspace({ eventSeq: 41 });
    const fresh = await workspace();
    const seqs = await store.streamHeads.lastSeqs([legacy, fresh]);
    expect(Object.fromEntries(seqs)).toEqual({ [legacy._id]: 41, [fresh._id]: 0 });
    expect(await store.streamLog.chainEnd(legacy._id)).toBe(42);
  });

  it('moves the head when events are recorded', async () => {
    const ws = await workspace();
    const before = new Date();
    const id = `evt_${randomBytes(6).toString('hex')}`;
    await store.events.insertForWorkspace(ws._id, [
      {
        _id: id,
        workspaceId: ws._id,
        organizationId: 'org_1',
        category: 'lock',
        action: 'created',
        actor: { type: 'user', id: 'u' },
        target: null,
        description: null,
        metadata: {},
        occurredAt: before,
        recordedAt: before,
        context: {},
        idempotencyKey: null,
        idem: `auto:${id}`,
        tokens: [],
      },
    ]);
    await store.streamHeads.flush();
    const head = await store.streamHeads.get(ws._id);
    expect(head?.eventSeq).toBe(1);
    expect(head?.lastEventAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    // The workspace's own document is not written by recording (a plan change beside it stays).
    expect(await store.workspaces.findById(ws._id)).toEqual(ws);
  });

  it('finds streams of several workspaces at once, leaving out a stream named with the wrong workspace', async () => {
    const a = await workspace();
    const b = await workspace();
    const ha = hook(a._id);
    const hb = hook(b._id);
    for (const h of [ha, hb]) {
      await store.streams.create({
        _id: h._id,
        kind: 'live',
        workspaceId: h.workspaceId,
        webhookId: h._id,
        next: { claim: 1, seq: 1 },
        open: null,
        deliveredThrough: null,
        lastDelivery: null,
        untilSeq: null,
        status: 'running',
        idleSince: null,
        createdAt: at(0),
        updatedAt: at(0),
      });
    }
    const found = await store.streams.findMany([
      { workspaceId: a._id, id: ha._id },
      { workspaceId: a._id, id: hb._id },
    ]);
    expect([...found.keys()]).toEqual([ha._id]);
  });

  it('looks many workspaces up in slices FerretDB serves from an index, missing none', async () => {
    const many = await Promise.all(Array.from({ length: 130 }, () => workspace()));
    const hooks = many.map((w) => hook(w._id));
    for (const h of hooks) {
      await store.webhooks.insert(h);
      await store.streams.create({
        _id: h._id,
        kind: 'live',
        workspaceId: h.workspaceId,
        webhookId: h._id,
        next: { claim: 1, seq: 1 },
        open: null,
        deliveredThrough: null,
        lastDelivery: null,
        untilSeq: null,
        status: 'running',
        idleSince: null,
        createdAt: at(0),
        updatedAt: at(0),
      });
    }
    const ids = many.map((w) => w._id);
    expect((await store.webhooks.enabledOfWorkspaces(ids)).map((h) => h._id).sort()).toEqual(
      hooks.map((h) => h._id).sort(),
    );
    expect((await store.streams.findMany(hooks.map((h) => ({ workspaceId: h.workspaceId, id: h._id })))).size).toBe(
      130,
    );
    expect([...(await store.workspaces.findMany([...ids, ...ids])).keys()].sort()).toEqual([...ids].sort());
  });

  it("reach FerretDB's indexes: the same filters as the store's, explained", async () => {
    // Which index the planner picks is its own business; what counts is that none of these scans.
    const plan = async (col: string, filter: object) => {
      const e = (await mongo.db.collection(col).find(filter).explain()) as {
        queryPlanner?: unknown;
        filterPushdown?: boolean;
      };
      return { pushed: e.filterPushdown, plan: JSON.stringify(e.queryPlanner) };
    };
    const searched = { pushed: true, plan: expect.stringMatching(/detail=SEARCH/) };
    const minutes = minutesBetween(at(0), at(300));
    const filters: [string, object][] = [
      ['webhooks', { changedIn: { $in: minutes }, updatedAt: { $gte: at(0) } }],
      ['stream_heads', { eventsIn: { $in: minutes }, lastEventAt: { $gte: at(0) } }],
      ['webhooks', { workspaceId: { $in: ['wsp_a', 'wsp_b'] } }],
      ['webhook_streams', { workspaceId: { $in: ['wsp_a'] }, _id: { $in: ['whk_a'] } }],
    ];
    for (const [col, filter] of filters) {
      const p = await plan(col, filter);
      expect(p, JSON.stringify(filter)).toEqual(searched);
      expect(p.plan, JSON.stringify(filter)).not.toMatch(/detail=SCAN (?!j )/);
    }
  });

  it("keeps the supervisor's last clean pass, never moving it back", async () => {
    expect(await store.supervisor.lastCleanPass()).toBeNull();
    await store.supervisor.saveCleanPass(at(30), at(31));
    await store.supervisor.saveCleanPass(at(10), at(32));
    expect(await store.supervisor.lastCleanPass()).toEqual(at(30));
    await store.supervisor.saveCleanPass(at(60), at(61));
    expect(await store.supervisor.lastCleanPass()).toEqual(at(60));
  });
});
