import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workspacesWithOlder } from './expired-probe.ts';
import { connectMongo, type Mongo } from './mongo.ts';

interface Row {
  _id: string;
  workspaceId: string;
  at: Date;
}

const CUTOFF = new Date('2026-01-01T00:00:00.000Z');
const before = (i: number) => new Date(CUTOFF.getTime() - 1_000 - i);
const after = (i: number) => new Date(CUTOFF.getTime() + i);

let mongo: Mongo;
beforeAll(async () => {
  const uri = (inject as (k: string) => unknown)('mongodbUri') as string;
  mongo = await connectMongo(uri, `t_probe_${randomBytes(4).toString('hex')}`);
});
afterAll(async () => {
  await mongo?.db.dropDatabase();
  await mongo?.close();
});

describe('workspacesWithOlder, the purge probe over many workspaces', () => {
  it('names exactly the workspaces holding an older document, also past a reply filled by one of them', async () => {
    const col = mongo.db.collection<Row>('rows');
    await col.createIndex({ workspaceId: 1, at: 1 }, { name: 'workspace_at' });
    const rows: Row[] = [
      // More than one reply's worth, in the workspace that sorts first.
      ...Array.from({ length: 1_500 }, (_, i) => ({ _id: `a${i}`, workspaceId: 'ws_a', at: before(i) })),
      { _id: 'b0', workspaceId: 'ws_b', at: before(0) },
      { _id: 'b1', workspaceId: 'ws_b', at: after(0) },
      { _id: 'c0', workspaceId: 'ws_c', at: after(1) },
      { _id: 'c1', workspaceId: 'ws_c', at: CUTOFF },
      { _id: 'x0', workspaceId: 'ws_x', at: before(0) },
    ];
    await col.insertMany(rows);

    const ids = ['ws_a', 'ws_b', 'ws_c', 'ws_d'];
    expect([...(await workspacesWithOlder(col, 'at', ids, CUTOFF))].sort()).toEqual(['ws_a', 'ws_b']);
    expect([...(await workspacesWithOlder(col, 'at', ['ws_c', 'ws_d'], CUTOFF))]).toEqual([]);
    // One workspace is asked by equality; another tenant's older row never counts.
    expect([...(await workspacesWithOlder(col, 'at', ['ws_b'], CUTOFF))]).toEqual(['ws_b']);
    expect([...(await workspacesWithOlder(col, 'at', ['ws_c'], CUTOFF))]).toEqual([]);
    expect([...(await workspacesWithOlder(col, 'at', [], CUTOFF))]).toEqual([]);
  });
});
