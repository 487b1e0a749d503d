import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuery, SEARCH_LIMITS } from './parse-query.ts';
import { QuerySyntaxError } from './query-error.ts';

function errorOf(q: string): { position: number; message: string } {
  try {
    parseQuery(q);
  } catch (err) {
    if (err instanceof QuerySyntaxError) return { position: err.position, message: err.message };
    throw err;
  }
  throw new Error(`"${q}" parsed`);
}

describe('parseQuery', () => {
  it('reads an empty query as no conditions', () => {
    expect(parseQuery('   ')).toEqual({
      text: [],
      categories: { include: [], exclude: [] },
      actions: { include: [], exclude: [] },
      workspaces: { include: [], exclude: [] },
      after: null,
      before: null,
    });
  });

  it('splits words, lower-cases them, and marks the last of a compound as the prefix', () => {
    expect(parseQuery('Ada  ada@Example.c').text).toEqual([
      { scope: 'any', words: ['ada'], exact: false, negated: false },
      { scope: 'any', words: ['ada', 'example', 'c'], exact: false, negated: false },
    ]);
  });

  it('reads phrases, scoped text and negation', () => {
    expect(parseQuery('"Prod VPC" -actor:bob target:"stack one" -"dry run"').text).toEqual([
      { scope: 'any', words: ['prod', 'vpc'], exact: true, negated: false },
      { scope: 'actor', words: ['bob'], exact: false, negated: true },
      { scope: 'target', words: ['stack', 'one'], exact: true, negated: false },
      { scope: 'any', words: ['dry', 'run'], exact: true, negated: true },
    ]);
  });

  it('reads qualifier names case-insensitively', () => {
    expect(parseQuery('ACTOR:x Category:LOCK').categories.include).toEqual(['lock']);
  });

  it('reads categories and actions, with commas and wildcards, as alternatives', () => {
    const q = parseQuery(
      'category:lock,auth -category:billing action:lock.created,workflow.* action:failed -action:auth.oidc_token_exchange_success',
    );
    expect(q.categories).toEqual({ include: ['lock', 'auth'], exclude: ['billing'] });
    expect(q.actions.include).toEqual([
      { category: 'lock', action: 'created' },
      { category: 'workflow', action: null },
      { category: 'workflow', action: 'failed' },
    ]);
    expect(q.actions.exclude).toEqual([{ category: 'auth', action: 'oidc_token_exchange_success' }]);
  });

  it('expands a bare action to every category that has it', () => {
    expect(parseQuery('action:created').actions.include.map((a) => a.category)).toEqual([
      'workspace',
      'schedule',
      'release',
      'lock',
    ]);
  });

  it('reads dates as UTC days and instants with offsets, keeping the narrowest bounds', () => {
    const q = parseQuery('after:2026-01-01 after:2026-03-01T10:00:00+02:00 before:2026-12-31 before:2026-06-01');
    expect(q.after?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(q.before?.toISOString()).toBe('2026-06-01T00:00:00.000Z');
  });

  it('keeps workspace values with their positions for the server to resolve', () => {
    expect(parseQuery('x workspace:"EU prod" -workspace:ws_1').workspaces).toEqual({
      include: [{ value: 'EU prod', position: 13 }],
      exclude: [{ value: 'ws_1', position: 33 }],
    });
  });

  it.each<[string, number, RegExp]>([
    ['actor:', 0, /"actor:" needs a value/],
    ['a -actor: b', 2, /"actor:" needs a value/],
    ['a nope:x', 2, /unknown qualifier "nope:"/],
    ['a -nope:x', 3, /unknown qualifier "nope:"/],
    ['"unterminated', 0, /never closed/],
    ['a "b"c', 5, /closing quote must be followed/],
    ['abc"d"', 3, /quote may only start/],
    ['a - b', 2, /"-" must be followed/],
    ['trailing -', 9, /"-" must be followed/],
    ['category:lock,,auth', 14, /empty value/],
    ['category:lock,nope', 14, /"nope" is not a category/],
    ['action:lock.', 7, /"" is not an action of category "lock"/],
    ['action:nope', 7, /"nope" is not an action of any category/],
    ['action:lock.shredded', 7, /"shredded" is not an action of category "lock" \(known: created, deleted, or \*\)/],
    ['after:2026-13-01', 6, /not a calendar date/],
    ['before:2026-01-01T10:00', 7, /not a date/],
    ['-before:2026-01-01', 0, /before: cannot be negated; use after:/],
    ['workspace:""', 11, /workspace: needs/],
    ['""', 1, /an empty phrase/],
    ['---', 1, /"--" has no letters or digits/],
  ])('refuses %j at offset %i', (q, position, message) => {
    const err = errorOf(q);
    expect(err.position).toBe(position);
    expect(err.message).toMatch(new RegExp(`^at character ${position + 1}: `));
    expect(err.message).toMatch(message);
  });

  it('bounds length and term count', () => {
    expect(errorOf('a'.repeat(SEARCH_LIMITS.queryLength + 1)).message).toMatch(/at most 512 characters/);
    expect(errorOf(Array.from({ length: 25 }, () => 'w').join(' ')).position).toBe(48);
  });

  it('either parses or reports a position inside the query, for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (q) => {
        try {
          parseQuery(q);
        } catch (err) {
          expect(err).toBeInstanceOf(QuerySyntaxError);
          const { position } = err as QuerySyntaxError;
          expect(position).toBeGreaterThanOrEqual(0);
          expect(position).toBeLessThanOrEqual(q.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
