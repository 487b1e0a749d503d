const MAX_TOKEN = 64;
const MAX_TOKENS = 256;

/** Lower-cases and splits text the same way for stored events and for queries. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_@-]+/u)
    .flatMap((w) => (/[@-]/.test(w) ? [w, ...w.split(/[@-]+/)] : [w]))
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, MAX_TOKEN));
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
 */
export function searchTokens(e: Searchable): string[] {
  const parts = [
    e.actor.id,
    e.actor.name ?? '',
    e.actor.email ?? '',
    `${e.category}.${e.action}`,
    e.target?.type ?? '',
    e.target?.id ?? '',
    e.target?.name ?? '',
    e.description ?? '',
  ];
  const tokens = new Set<string>();
  for (const p of parts) for (const t of tokenize(p)) tokens.add(t);
  tokens.add(`${e.category}.${e.action}`);
  return [...tokens].slice(0, MAX_TOKENS);
}
