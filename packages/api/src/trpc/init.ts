import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context.ts';

export interface IssueLike {
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  message: string;
}

export function issuePath(issue: IssueLike): string {
  return (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null ? String(p.key) : String(p))).join('.');
}

/**
 * Validation errors become one readable message naming each field and its limit
 * (`metadata.a: must be at most 128 characters`), with the same list under `data.issues`.
 * Procedures' meta may describe their REST route (see rest/).
 */
export const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const issues = validationIssues(error.cause);
      if (error.code !== 'BAD_REQUEST' || !issues) return shape;
      const list = issues.map((i) => ({ path: issuePath(i), message: i.message }));
      return { ...shape, message: readableIssues(issues), data: { ...shape.data, issues: list } };
    },
  });

export function readableIssues(issues: IssueLike[]): string {
  return issues.map((i) => (issuePath(i) ? `${issuePath(i)}: ${i.message}` : i.message)).join('; ');
}

export function validationIssues(cause: unknown): IssueLike[] | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as IssueLike[]) : null;
}
