import { describe, expect, it } from 'vitest';
import type { Collection } from 'mongodb';
import { findOwned } from './tenant-lookup.ts';

/** A collection that answers `_id` look-ups from memory: the tenant check is what is tested. */
function collectionOf(docs: { _id: string; workspaceId: string }[]) {
  return {
    findOne: async (filter: { _id: string }) => docs.find((d) => d._id === filter._id) ?? null,
  } as unknown as Collection<{ _id: string; workspaceId: string }>;
}

describe('findOwned', () => {
  const col = collectionOf([{ _id: 'a', workspaceId: 'ws1' }]);
  it('returns the document of its tenant', async () => {
    expect(await findOwned(col, 'a', { workspaceId: 'ws1' })).toEqual({ _id: 'a', workspaceId: 'ws1' });
  });
  it('hides another tenant document and a missing one alike', async () => {
    expect(await findOwned(col, 'a', { workspaceId: 'ws2' })).toBeNull();
    expect(await findOwned(col, 'b', { workspaceId: 'ws1' })).toBeNull();
  });
});
