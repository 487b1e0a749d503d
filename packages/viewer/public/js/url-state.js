// @ts-check
import { CATEGORIES } from './categories.js';
import { readInstant, readRange } from './date-range.js';

/**
 * Everything a shared link must reproduce: the search, the filters, the scope and the page.
 * @typedef {{ q: string, categories: string[], scope: 'workspace' | 'organization', workspaceId: string, cursor: string, page: number, limit: number, utc: boolean,
 *   range: import('./date-range.js').RangeKind, from: string, to: string, live: boolean }} ViewState
 */

export const PAGE_SIZES = [25, 50, 100];

/** @param {string} search @returns {ViewState} */
export function readState(search) {
  const p = new URLSearchParams(search);
  const limit = Number(p.get('limit'));
  const page = Number(p.get('page'));
  const range = readRange(p.get('range'));
  return {
    q: (p.get('q') ?? '').slice(0, 512),
    categories: (p.get('categories') ?? '').split(',').filter((c) => CATEGORIES.includes(c)),
    scope: p.get('scope') === 'organization' ? 'organization' : 'workspace',
    workspaceId: p.get('workspace') ?? '',
    cursor: p.get('cursor') ?? '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
    limit: PAGE_SIZES.includes(limit) ? limit : 50,
    utc: p.get('utc') === '1',
    range,
    from: range === 'custom' ? readInstant(p.get('from')) : '',
    to: range === 'custom' ? readInstant(p.get('to')) : '',
    live: p.get('live') === '1',
  };
}

/** @param {ViewState} s @returns {string} */
export function toSearch(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.categories.length > 0) p.set('categories', s.categories.join(','));
  if (s.scope === 'organization') p.set('scope', 'organization');
  if (s.workspaceId && s.scope === 'workspace') p.set('workspace', s.workspaceId);
  if (s.cursor) {
    p.set('cursor', s.cursor);
    p.set('page', String(s.page));
  }
  if (s.limit !== 50) p.set('limit', String(s.limit));
  if (s.utc) p.set('utc', '1');
  if (s.range) p.set('range', s.range);
  if (s.range === 'custom' && s.from) p.set('from', s.from);
  if (s.range === 'custom' && s.to) p.set('to', s.to);
  if (s.live) p.set('live', '1');
  const text = p.toString();
  return text ? `?${text}` : '';
}
