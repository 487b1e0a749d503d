import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import type { ListQuery } from '@audit/store';
import { buildSearchFilter } from './search-filter.ts';
import { parseSearchQuery } from './search-query.ts';

/**
 * Every query shape the viewer sends is index work on the embedded store: its plan seeks the
 * tenant's entries (or merges one walk per workspace for an organization), never scans the
 * collection, and returns rows in the list's order without the handler sorting them.
 */
let env: TestEnv;
let t: Tenant;
let org: string[];
let cursor: { recordedAt: Date; id: string };

beforeAll(async () => {
  env = await openTestEnv();
  t = await env.tenant('enterprise');
  const e = await t.caller.events.record({
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace' },
    target: { type: 'stack', id: 'stk_prod_vpc' },
    description: 'Locked the production VPC stack',
  });
  cursor = { recordedAt: new Date(e.recordedAt), id: e.id };
  org = Array.from({ length: 10 }, (_, i) => `ws_${String(i).padStart(26, '0')}`);
});
afterAll(async () => {
  await env?.close();
});

interface Explained {
  queryPlanner: { Plan: string[]; indexName: string };
  sortPushdown: boolean;
}

async function plan(
  q: string,
  position: Partial<ListQuery> = {},
  workspaces = [t.workspaceId],
  bounds = {},
): Promise<Explained> {
  const filter = buildSearchFilter(parseSearchQuery(q), bounds);
  return (await env.deps.store.events
    .listCursor(workspaces, { limit: 51, filter, ...position })
    .explain()) as unknown as Explained;
}

describe("the viewer's queries on the embedded store", () => {
  it.each<[string, string, Partial<ListQuery>?, Record<string, unknown>?]>([
    ['first page', ''],
    ['a page after a cursor', '', { before: undefined }],
    ['paging back', '', { after: undefined }],
    ['actor:', 'actor:ada'],
    ['action:', 'action:lock.created'],
    ['target:', 'target:stk_prod_vpc'],
    ['category filter', '', {}, { categories: ['lock', 'auth'] }],
    ['time range', 'after:2026-01-01 before:2026-02-01'],
    ['a word', 'production'],
    ['a quoted word', '"production"'],
    ['a phrase', '"production vpc"'],
    ['words and a category', 'locked category:lock'],
  ])('%s seeks the tenant in an index and comes sorted', async (_name, q, position = {}, bounds = {}) => {
    const keyset = 'before' in position ? { before: cursor } : 'after' in position ? { after: cursor } : {};
    const explained = await plan(q, keyset, undefined, bounds);
    const steps = explained.queryPlanner.Plan.join('\n');
    expect(steps).toMatch(/SEARCH e USING PRIMARY KEY \(k0=\?/);
    // json_each's own SCAN checks one document's array; the collection and entries are never scanned.
    expect(steps).not.toMatch(/SCAN [te]\b/);
    expect(explained.sortPushdown).toBe(true);
  });

  it('merges one ordered walk per workspace for an organization', async () => {
    const explained = await plan('', {}, org);
    const steps = explained.queryPlanner.Plan.join('\n');
    expect(steps).toMatch(/MERGE \(UNION ALL\)/);
    expect(steps).not.toMatch(/SCAN [te]\b|TEMP B-TREE/);
    expect(explained.sortPushdown).toBe(true);
  });

  it('walks the list index in order for the pages themselves, sorting nothing', async () => {
    for (const position of [{}, { before: cursor }, { after: cursor }]) {
      const explained = await plan('', position);
      expect(explained.queryPlanner.indexName).toBe('workspace_recorded');
      expect(explained.queryPlanner.Plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });
});
