import { QuerySyntaxError } from './query-error.ts';

/** One whitespace-separated piece of a query, before its meaning is known. */
export interface RawTerm {
  /** Offset of the term's first character (the `-` when negated). */
  position: number;
  negated: boolean;
  /** Lower-cased qualifier name when the term is `name:value`. */
  qualifier: string | null;
  value: string;
  /** Offset of the value's first character (inside the quotes for a quoted value). */
  valuePosition: number;
  quoted: boolean;
}

const QUALIFIER = /^([A-Za-z]+):/;

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

/**
 * Splits a query into terms: `word`, `"a phrase"`, `name:value`, `name:"a value"`, each optionally
 * preceded by `-`. Quotes have no escapes (a search for a quote character is not worth the grammar).
 */
export function lexQuery(q: string): RawTerm[] {
  const terms: RawTerm[] = [];
  let i = 0;
  while (i < q.length) {
    if (isSpace(q[i])) {
      i++;
      continue;
    }
    const position = i;
    const negated = q[i] === '-';
    if (negated) {
      i++;
      if (i >= q.length || isSpace(q[i]))
        throw new QuerySyntaxError(
          position,
          '"-" must be followed, without a space, by the qualifier, word or phrase to exclude',
        );
    }
    const named = QUALIFIER.exec(q.slice(i));
    const qualifier = named ? named[1]!.toLowerCase() : null;
    if (named) {
      i += named[0].length;
      if (i >= q.length || isSpace(q[i]))
        throw new QuerySyntaxError(position, `"${named[1]}:" needs a value right after the colon`);
    }
    const { value, valuePosition, quoted, end } = readValue(q, i);
    terms.push({ position, negated, qualifier, value, valuePosition, quoted });
    i = end;
  }
  return terms;
}

function readValue(q: string, start: number): { value: string; valuePosition: number; quoted: boolean; end: number } {
  if (q[start] === '"') {
    const close = q.indexOf('"', start + 1);
    if (close === -1) throw new QuerySyntaxError(start, 'this quote is never closed; add a closing "');
    if (close + 1 < q.length && !isSpace(q[close + 1])) {
      throw new QuerySyntaxError(close + 1, 'a closing quote must be followed by a space or the end of the query');
    }
    return { value: q.slice(start + 1, close), valuePosition: start + 1, quoted: true, end: close + 1 };
  }
  let end = start;
  while (end < q.length && !isSpace(q[end])) {
    if (q[end] === '"')
      throw new QuerySyntaxError(end, 'a quote may only start a phrase or a qualifier value; put a space before it');
    end++;
  }
  return { value: q.slice(start, end), valuePosition: start, quoted: false, end };
}
