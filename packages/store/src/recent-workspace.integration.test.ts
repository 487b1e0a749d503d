import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStore, type Store } from './create-store.ts';
import type { Mongo } from './mongo.ts';
import { openStore } from './open-store.ts';

/** `findRecent`: the workspace as this process read it lately, for the record path. */
let store: Store;
let mongo: Mongo;
beforeAll(async () => {
  const uri = (inject as (k: string) => unknown)('mongodbUri') as string;
  ({ store, mongo } = await openStore(uri, `t_recent_${randomBytes(4).toString('hex')}`));
});
afterAll(async () => {
  await mongo?.db.dropDatabase();
  await mongo?.close();
});

const newId = () => `wsp_${randomBytes(6).toString('hex')}`;

async function workspace(id = newId()): Promise<string> {
  const now = new Date();
  const doc = { _id: id, organizationId: 'org_1', name: 'w', plan: 'team' as const, eventSeq: 0 };
  await store.workspaces.insert({ ...doc, createdAt: now, updatedAt: now });
  return id;
}

describe('WorkspacesStore.findRecent', () => {
  it('answers from its last read within the age, and reads again after it', async () => {
    const id = await workspace();
    const t0 = Date.now();
    expect((await store.workspaces.findRecent(id, 1_000, t0))?.plan).toBe('team');
    // Changed by another process: this one sees it once its copy is too old.
    await createStore(store.db).workspaces.setPlan(id, 'enterprise', new Date());
    expect((await store.workspaces.findRecent(id, 1_000, t0 + 999))?.plan).toBe('team');
    expect((await store.workspaces.findRecent(id, 1_000, t0 + 1_000))?.plan).toBe('enterprise');
  });

  it('forgets a workspace this process changes', async () => {
    const id = await workspace();
    const t0 = Date.now();
    await store.workspaces.findRecent(id, 60_000, t0);
    await store.workspaces.setPlan(id, 'free', new Date());
    expect((await store.workspaces.findRecent(id, 60_000, t0 + 1))?.plan).toBe('free');
    await store.workspaces.setHasEnabledWebhooks(id, true);
    expect((await store.workspaces.findRecent(id, 60_000, t0 + 2))?.hasEnabledWebhooks).toBe(true);
  });

  it('keeps no answer for a workspace that does not exist', async () => {
    const id = newId();
    const t0 = Date.now();
    expect(await store.workspaces.findRecent(id, 60_000, t0)).toBeNull();
    await workspace(id);
    expect((await store.workspaces.findRecent(id, 60_000, t0 + 1))?._id).toBe(id);
  });
});
