import { emptyQuery, parseQuery, QuerySyntaxError, type ParsedQuery } from '@audit/shared';
import type { EventDoc, WorkspaceDoc } from '@audit/store';
import type { Filter } from 'mongodb';
import type { Principal } from '../auth/authenticate.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { narrowWorkspaces, resolveReadScope, type ScopeName } from './read-scope.ts';
import { buildSearchFilter } from './search-filter.ts';
import type { SearchInput } from './search-input.ts';

/** A search ready for the store: which workspaces, and which conditions on top of the keyset. */
export interface PreparedSearch {
  scope: ScopeName;
  workspaces: WorkspaceDoc[];
  filter: Filter<EventDoc> | undefined;
}

function queryError(position: number, reason: string): Error {
  return badRequest(`q: ${new QuerySyntaxError(position, reason).message}`);
}

export function parseSearchQuery(q: string | undefined): ParsedQuery {
  if (q === undefined || q.trim() === '') return emptyQuery();
  try {
    return parseQuery(q);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw queryError(err.position, err.reason);
    throw err;
  }
}

export async function prepareSearch(
  deps: ApiDeps,
  key: Extract<Principal, { kind: 'key' }>,
  input: SearchInput,
): Promise<PreparedSearch> {
  const parsed = parseSearchQuery(input.q);
  const scope = await resolveReadScope(deps, key, input);
  const workspaces = narrowWorkspaces(scope, parsed.workspaces, queryError);
  const filter = buildSearchFilter(parsed, {
    categories: input.categories,
    from: input.from ? new Date(input.from) : undefined,
    to: input.to ? new Date(input.to) : undefined,
  });
  return { scope: scope.scope, workspaces, filter };
}
