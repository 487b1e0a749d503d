import { LIMITS } from './limits.ts';

export interface LimitIssue {
  path: (string | number)[];
  message: string;
}

const utf8 = new TextEncoder();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Walks a metadata value and reports every breach of the limits. Keys that MongoDB would read as
 * operators or paths (`$…`, `a.b`, NUL) are refused outright rather than escaped, so what is
 * stored is exactly what was sent.
 */
export function checkMetadata(value: unknown, basePath: (string | number)[] = ['metadata']): LimitIssue[] {
  const issues: LimitIssue[] = [];
  walk(value, basePath, 1, issues);
  if (issues.length === 0) {
    const bytes = utf8.encode(JSON.stringify(value)).length;
    if (bytes > LIMITS.metadataBytes) {
      issues.push({
        path: basePath,
        message: `must be at most ${LIMITS.metadataBytes} bytes serialized (got ${bytes})`,
      });
    }
  }
  return issues;
}

function walk(value: unknown, path: (string | number)[], depth: number, issues: LimitIssue[]): void {
  if (issues.length >= 20) return;
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push({ path, message: 'must be a finite number' });
    return;
  }
  if (typeof value === 'string') {
    if (!value.isWellFormed()) issues.push({ path, message: 'must be well-formed UTF-16 (lone surrogate found)' });
    return;
  }
  if (typeof value !== 'object') {
    issues.push({ path, message: `must be JSON (got ${typeof value})` });
    return;
  }
  if (depth > LIMITS.metadataDepth) {
    issues.push({ path, message: `nesting must be at most ${LIMITS.metadataDepth} levels deep` });
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > LIMITS.metadataArrayItems) {
      issues.push({
        path,
        message: `arrays must have at most ${LIMITS.metadataArrayItems} items (got ${value.length})`,
      });
      return;
    }
    value.forEach((item, i) => {
      // FerretDB refuses to store an array directly inside an array; refusing it here keeps
      // that a 400 naming the field, the same on MongoDB, rather than a failed insert.
      if (Array.isArray(item))
        issues.push({
          path: [...path, i],
          message: 'arrays must not directly contain arrays (wrap the inner array in an object)',
        });
      else walk(item, [...path, i], depth + 1, issues);
    });
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    issues.push({ path, message: 'must be a plain JSON object' });
    return;
  }
  const keys = Object.keys(value);
  if (keys.length > LIMITS.metadataKeysPerObject) {
    issues.push({
      path,
      message: `objects must have at most ${LIMITS.metadataKeysPerObject} keys (got ${keys.length})`,
    });
    return;
  }
  for (const key of keys) {
    const keyIssue = checkKey(key);
    if (keyIssue) {
      issues.push({ path: [...path, key], message: keyIssue });
      continue;
    }
    walk((value as Record<string, unknown>)[key], [...path, key], depth + 1, issues);
  }
}

function checkKey(key: string): string | null {
  if (key.length === 0) return 'keys must not be empty';
  if (key.length > LIMITS.metadataKeyLength) return `keys must be at most ${LIMITS.metadataKeyLength} characters`;
  if (key.startsWith('$')) return 'keys must not start with "$"';
  if (key.includes('.')) return 'keys must not contain "."';
  if (key.includes('\u0000')) return 'keys must not contain NUL';
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return `key "${key}" is reserved`;
  if (!key.isWellFormed()) return 'keys must be well-formed UTF-16';
  return null;
}

export type { Json };
