import type { Category } from '../catalogue.ts';
import { queryWords } from '../search-tokens.ts';
import { QuerySyntaxError } from './query-error.ts';
import { lexQuery, type RawTerm } from './query-lexer.ts';
import { isInvalid, parseAction, parseCategory, parseInstant, type ActionRef } from './query-values.ts';

export const SEARCH_LIMITS = { queryLength: 512, terms: 24 } as const;

export const QUALIFIERS = ['actor', 'action', 'target', 'category', 'workspace', 'after', 'before'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

/** Where a text term looks: everywhere the search box does, or only at the actor or the target. */
export type TextScope = 'any' | 'actor' | 'target';

/**
 * Words that must all be found, in order when there are several (`"prod vpc"`, `ada@example`).
 * Unquoted, the last word matches by prefix; quoted, every word matches whole.
 */
export interface TextTerm {
  scope: TextScope;
  words: string[];
  exact: boolean;
  negated: boolean;
}

export interface WorkspaceRef {
  value: string;
  position: number;
}

interface Split<T> {
  include: T[];
  exclude: T[];
}

export interface ParsedQuery {
  text: TextTerm[];
  /** Repeated or comma-separated values of one qualifier are alternatives: an event has one category. */
  categories: Split<Category>;
  actions: Split<ActionRef>;
  workspaces: Split<WorkspaceRef>;
  /** Recorded at or after this instant. */
  after: Date | null;
  /** Recorded strictly before this instant. */
  before: Date | null;
}

export function emptyQuery(): ParsedQuery {
  return {
    text: [],
    categories: { include: [], exclude: [] },
    actions: { include: [], exclude: [] },
    workspaces: { include: [], exclude: [] },
    after: null,
    before: null,
  };
}

/** Parses the search box. Pure: throws QuerySyntaxError naming the character and the reason. */
export function parseQuery(q: string): ParsedQuery {
  if (q.length > SEARCH_LIMITS.queryLength)
    throw new QuerySyntaxError(
      SEARCH_LIMITS.queryLength,
      `a query must be at most ${SEARCH_LIMITS.queryLength} characters`,
    );
  const parsed = emptyQuery();
  const terms = lexQuery(q);
  if (terms.length > SEARCH_LIMITS.terms)
    throw new QuerySyntaxError(
      terms[SEARCH_LIMITS.terms]!.position,
      `a query may have at most ${SEARCH_LIMITS.terms} terms`,
    );
  for (const term of terms) apply(parsed, term);
  return parsed;
}

function apply(parsed: ParsedQuery, term: RawTerm): void {
  const name = term.qualifier;
  if (name === null) return void parsed.text.push(textTerm('any', term));
  if (!(QUALIFIERS as readonly string[]).includes(name)) {
    throw new QuerySyntaxError(
      term.position + (term.negated ? 1 : 0),
      `unknown qualifier "${name}:" (known: ${QUALIFIERS.map((n) => `${n}:`).join(' ')}); to search for the text itself, put it in quotes`,
    );
  }
  const q = name as Qualifier;
  if (q === 'actor' || q === 'target') return void parsed.text.push(textTerm(q, term));
  if (q === 'after' || q === 'before') return applyDate(parsed, q, term);
  if (q === 'workspace') {
    if (term.value.trim() === '')
      throw new QuerySyntaxError(term.valuePosition, 'workspace: needs a workspace id or name');
    return void (term.negated ? parsed.workspaces.exclude : parsed.workspaces.include).push({
      value: term.value.trim(),
      position: term.valuePosition,
    });
  }
  for (const { value, offset } of commaList(term)) {
    const result = q === 'category' ? parseCategory(value) : parseAction(value);
    if (isInvalid(result)) throw new QuerySyntaxError(term.valuePosition + offset, `${q}: ${result.error}`);
    if (q === 'category')
      (term.negated ? parsed.categories.exclude : parsed.categories.include).push(result as Category);
    else (term.negated ? parsed.actions.exclude : parsed.actions.include).push(...(result as ActionRef[]));
  }
}

function textTerm(scope: TextScope, term: RawTerm): TextTerm {
  const words = queryWords(term.value);
  if (words.length === 0) {
    const what = term.value.length === 0 ? 'an empty phrase' : `"${term.value}"`;
    throw new QuerySyntaxError(term.valuePosition, `${what} has no letters or digits to search for`);
  }
  return { scope, words, exact: term.quoted, negated: term.negated };
}

function applyDate(parsed: ParsedQuery, q: 'after' | 'before', term: RawTerm): void {
  if (term.negated)
    throw new QuerySyntaxError(
      term.position,
      `${q}: cannot be negated; use ${q === 'after' ? 'before:' : 'after:'} instead`,
    );
  const date = parseInstant(term.value);
  if (isInvalid(date)) throw new QuerySyntaxError(term.valuePosition, `${q}: ${date.error}`);
  if (q === 'after') parsed.after = parsed.after && parsed.after > date ? parsed.after : date;
  else parsed.before = parsed.before && parsed.before < date ? parsed.before : date;
}

function commaList(term: RawTerm): { value: string; offset: number }[] {
  const out: { value: string; offset: number }[] = [];
  let offset = 0;
  for (const part of term.value.split(',')) {
    if (part.trim() === '')
      throw new QuerySyntaxError(term.valuePosition + offset, 'an empty value in a comma-separated list');
    out.push({ value: part.trim(), offset });
    offset += part.length + 1;
  }
  return out;
}
