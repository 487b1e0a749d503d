/** Stored tokens are cut to this length; a longer query word is matched on its first 64 characters. */
export const MAX_TOKEN = 64;
// A 2000-character description has at most a few hundred distinct words; the cap only guards the index.
const MAX_TOKENS = 1024;

/** Characters that separate words, for stored tokens, query words and phrase checks alike. */
export const WORD_SEPARATOR_SOURCE = '[^\\p{L}\\p{N}_]';
const WORD_SEPARATORS = new RegExp(`${WORD_SEPARATOR_SOURCE}+`, 'u');

/** The plain words of a text, lower-cased and not truncated: what a query's words are made of. */
export function queryWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(WORD_SEPARATORS)
    .filter((w) => w.length > 0);
}

/** Lower-cases and splits text the same way for stored events and for queries. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_@-]+/u)
    .flatMap((w) => (/[@-]/.test(w) ? [w, ...w.split(/[@-]+/)] : [w]))
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, MAX_TOKEN));
}

/** Fields a qualifier can search on its own: their words are stored a second time, prefixed. */
export type TokenScope = 'actor' | 'target';

/** `actor:ada` can never collide with a plain token: plain tokens contain no colon. */
export function scopedToken(scope: TokenScope, word: string): string {
  return `${scope}:${word}`;
}

export interface Searchable {
  category: string;
  action: string;
  actor: { id: string; name?: string | undefined; email?: string | undefined };
  target?: { type: string; id: string; name?: string | undefined } | null | undefined;
  description?: string | null | undefined;
}

/**
 * The words an event can be found by, written with the event and never changed: a multikey index
 * on them serves word and prefix search on MongoDB and FerretDB alike (neither needs a text index).
 * Actor and target words appear twice, plain for the search box and scoped for `actor:`/`target:`,
 * so a qualifier is an index lookup too; `category.action` is one token for `action:`.
 */
export function searchTokens(e: Searchable): string[] {
  const actor = [e.actor.id, e.actor.name ?? '', e.actor.email ?? ''];
  const target = [e.target?.type ?? '', e.target?.id ?? '', e.target?.name ?? ''];
  const tokens = new Set<string>();
  tokens.add(`${e.category}.${e.action}`);
  for (const p of actor) for (const t of tokenize(p)) tokens.add(scopedToken('actor', t));
  for (const p of target) for (const t of tokenize(p)) tokens.add(scopedToken('target', t));
  for (const p of [...actor, `${e.category}.${e.action}`, ...target, e.description ?? '']) {
    for (const t of tokenize(p)) tokens.add(t);
  }
  return [...tokens].slice(0, MAX_TOKENS);
}
