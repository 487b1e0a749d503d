import {
  MAX_TOKEN,
  scopedToken,
  WORD_SEPARATOR_SOURCE,
  type ActionRef,
  type Category,
  type ParsedQuery,
  type TextTerm,
} from '@audit/shared';
import type { EventDoc } from '@audit/store';
import type { Filter } from 'mongodb';

export interface SearchBounds {
  categories?: Category[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

const SCOPE_FIELDS: Record<TextTerm['scope'], string[]> = {
  any: [
    'actor.id',
    'actor.name',
    'actor.email',
    'category',
    'action',
    'target.type',
    'target.id',
    'target.name',
    'description',
  ],
  actor: ['actor.id', 'actor.name', 'actor.email'],
  target: ['target.type', 'target.id', 'target.name'],
};

/** Every character with a meaning in a regular expression, so user words are only ever literals. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * The conditions of a parsed query beyond the tenant and the keyset, for the store. Words become
 * `tokens` equality or `^prefix` matches (the multikey index), categories and `action:` become
 * `category` / `category.action` token matches, dates bound `recordedAt`. Values only ever appear
 * as strings compared to fields or as escaped literals inside a regex, never as operators.
 */
export function buildSearchFilter(q: ParsedQuery, bounds: SearchBounds = {}): Filter<EventDoc> | undefined {
  const and: Filter<EventDoc>[] = q.text.map(textCondition);
  if (bounds.categories && bounds.categories.length > 0) and.push({ category: { $in: bounds.categories } });
  if (q.categories.include.length > 0) and.push({ category: { $in: q.categories.include } });
  if (q.categories.exclude.length > 0) and.push({ category: { $nin: q.categories.exclude } });
  if (q.actions.include.length > 0) and.push(actionCondition(q.actions.include));
  if (q.actions.exclude.length > 0) and.push({ $nor: [actionCondition(q.actions.exclude)] });
  const from = latest(bounds.from, q.after);
  const to = earliest(bounds.to, q.before);
  if (from || to) and.push({ recordedAt: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } });
  if (and.length === 0) return undefined;
  return and.length === 1 ? and[0]! : { $and: and };
}

function textCondition(term: TextTerm): Filter<EventDoc> {
  // Stored tokens are cut to MAX_TOKEN characters, so a longer word is looked up by its start.
  const token = (w: string) =>
    term.scope === 'any' ? w.slice(0, MAX_TOKEN) : scopedToken(term.scope, w.slice(0, MAX_TOKEN));
  const and: Filter<EventDoc>[] = term.words.map((w, i) => {
    const prefix = !term.exact && i === term.words.length - 1;
    return prefix ? { tokens: { $regex: `^${escapeRegex(token(w))}` } } : { tokens: token(w) };
  });
  // Tokens say each word occurs somewhere; only the stored text can say they occur in this order.
  if (term.words.length > 1) {
    const pattern = sequencePattern(term.words, term.exact);
    and.push({ $or: SCOPE_FIELDS[term.scope].map((f) => ({ [f]: { $regex: pattern, $options: 'i' } })) });
  }
  const all = and.length === 1 ? and[0]! : { $and: and };
  return term.negated ? { $nor: [all] } : all;
}

/** Whole words in order, separated by anything that is not a word character. */
export function sequencePattern(words: string[], exact: boolean): string {
  const sep = WORD_SEPARATOR_SOURCE;
  return `(?:^|${sep})${words.map(escapeRegex).join(`${sep}+`)}${exact ? `(?:${sep}|$)` : ''}`;
}

function actionCondition(refs: ActionRef[]): Filter<EventDoc> {
  const exact = refs.filter((r) => r.action !== null).map((r) => `${r.category}.${r.action}`);
  const whole = refs.filter((r) => r.action === null).map((r) => r.category);
  const or: Filter<EventDoc>[] = [];
  if (exact.length > 0) or.push({ tokens: { $in: exact } });
  if (whole.length > 0) or.push({ category: { $in: whole } });
  return or.length === 1 ? or[0]! : { $or: or };
}

function latest(a: Date | undefined, b: Date | null): Date | undefined {
  if (!a) return b ?? undefined;
  return b && b > a ? b : a;
}

function earliest(a: Date | undefined, b: Date | null): Date | undefined {
  if (!a) return b ?? undefined;
  return b && b < a ? b : a;
}
