export * from './parse-query.ts';
export * from './query-error.ts';
export * from './query-lexer.ts';
export * from './query-values.ts';
