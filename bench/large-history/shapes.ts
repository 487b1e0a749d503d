import type { Collection, Filter } from 'mongodb';
import { emptyQuery, parseQuery, type Category } from '@audit/shared';
import type { EventDoc } from '@audit/store';
// The API's own translation of a search into a filter, so the raw driver asks exactly what the API asks.
import { buildSearchFilter } from '../../packages/api/src/events/search-filter.ts';
import { NEEDLE } from './vocabulary.ts';

export const PAGE = 50;
const DAY_MS = 24 * 3600 * 1000;

export type ShapeKind = 'list' | 'common word' | 'single-match word' | 'prefix' | 'phrase';

export interface ListInput {
  limit: number;
  q?: string;
  categories?: Category[];
  from?: string;
  to?: string;
  scope?: 'organization';
  cursor?: string;
}

/** A keyset position a cursor holds: which row, and whether the page lies older or newer. */
export interface Position {
  recordedAt: Date;
  id: string;
  direction: 'older' | 'newer';
}

export interface Shape {
  name: string;
  kind: ShapeKind;
  input: ListInput;
  /** For a cursor shape: the position its cursor holds. */
  position?: Position;
}

/** Every shape that needs no paging first; `end` is the newest seeded instant. */
export function fixedShapes(end: number): Shape[] {
  const daysBefore = (days: number) => new Date(end - days * DAY_MS).toISOString();
  const list = (name: string, input: Omit<ListInput, 'limit'>): Shape => ({
    name,
    kind: 'list',
    input: { limit: PAGE, ...input },
  });
  return [
    list('first page', {}),
    list('actor:grace', { q: 'actor:grace' }),
    list('action:lock.created', { q: 'action:lock.created' }),
    list('target:prod', { q: 'target:prod' }),
    list('category billing', { categories: ['billing'] }),
    list('time range (30 days)', { from: daysBefore(200), to: daysBefore(170) }),
    list('organization scope (10 ws)', { scope: 'organization' }),
    { name: 'common word: deploy', kind: 'common word', input: { limit: PAGE, q: 'deploy' } },
    { name: `single match: ${NEEDLE}`, kind: 'single-match word', input: { limit: PAGE, q: NEEDLE } },
    { name: 'prefix: pro', kind: 'prefix', input: { limit: PAGE, q: 'pro' } },
    { name: 'phrase: "drift detected"', kind: 'phrase', input: { limit: PAGE, q: '"drift detected"' } },
  ];
}

/**
 * The store's keyset filter (events-store.ts), spelled the same way: the tenant a top-level
 * field, everything else under `$and`.
 */
function keysetFilter(ids: string[], position: Position | undefined, search?: Filter<EventDoc>): Filter<EventDoc> {
  const tenant: Filter<EventDoc> = { workspaceId: ids.length === 1 ? ids[0]! : { $in: ids } };
  const and: Filter<EventDoc>[] = [];
  if (position) {
    const op = position.direction === 'older' ? '$lt' : '$gt';
    const { recordedAt, id } = position;
    and.push({ $or: [{ recordedAt: { [op]: recordedAt } }, { recordedAt, _id: { [op]: id } }] });
  }
  if (search) and.push(search);
  return and.length === 0 ? tenant : { ...tenant, $and: and };
}

/**
 * The shape as one `find` of the raw driver, with the API's filter, sort and limit (a page and
 * one more row, to know whether there is a next page). Resolves to the page's ids in the order
 * the API shows them.
 */
export function rawQuery(col: Collection<EventDoc>, workspaceIds: string[], shape: Shape): () => Promise<string[]> {
  const { q, categories, from, to } = shape.input;
  const bounds = { categories, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
  const search = buildSearchFilter(q ? parseQuery(q) : emptyQuery(), bounds);
  const filter = keysetFilter(workspaceIds, shape.position, search);
  const dir = shape.position?.direction === 'newer' ? 1 : -1;
  return async () => {
    const docs = await col
      .find(filter)
      .sort({ recordedAt: dir, _id: dir })
      .limit(PAGE + 1)
      .toArray();
    const page = docs.slice(0, PAGE).map((d) => d._id);
    return dir === 1 ? page.reverse() : page;
  };
}
