import { TRPCError } from '@trpc/server';
import type { Entitlement } from '@audit/shared';
import { isDatabaseUnavailable, type ApiScope, type WorkspaceDoc } from '@audit/store';
import { assertEntitled, findWorkspaceForKey } from '../auth/workspace-access.ts';
import { databaseUnavailable, forbidden } from '../errors.ts';
import { readableIssues, t, validationIssues } from './init.ts';

/**
 * Input errors read as `field: limit` for every caller, not only over HTTP. A database outage is
 * SERVICE_UNAVAILABLE (503), which clients retry, never a generic 500 that could be read as
 * "maybe stored": nothing is acknowledged that was not written.
 */
export const translateInfrastructureErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const issues = result.error.code === 'BAD_REQUEST' ? validationIssues(result.error.cause) : null;
  if (issues) throw new TRPCError({ code: 'BAD_REQUEST', message: readableIssues(issues), cause: result.error.cause });
  if (isDatabaseUnavailable(result.error.cause)) {
    throw databaseUnavailable(result.error.cause);
  }
  return result;
});

/** Any API key that is known and not revoked. */
export const requireApiKey = t.middleware(({ ctx, next }) => {
  const p = ctx.principal;
  if (!p || p.kind !== 'key')
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid API key is required (Authorization: Bearer atk_…)' });
  return next({ ctx: { key: p } });
});

export const requireAdmin = t.middleware(({ ctx, next }) => {
  if (ctx.principal?.kind !== 'admin')
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the admin token is required' });
  return next({ ctx: { admin: true as const } });
});

export function requireScope(scope: ApiScope) {
  return t.middleware(({ ctx, next }) => {
    const p = ctx.principal;
    if (p?.kind === 'key' && !p.scopes.includes(scope)) throw forbidden(`this API key lacks the "${scope}" scope`);
    return next();
  });
}

/** Settles which workspace a call acts on (see findWorkspaceForKey). */
function resolveWorkspaceRead(maxAgeMs: number) {
  return t.middleware(async ({ ctx, input, next }) => {
    const p = ctx.principal;
    if (!p || p.kind !== 'key') throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid API key is required' });
    const asked = (input as { workspaceId?: string } | undefined)?.workspaceId;
    const workspace = await findWorkspaceForKey(ctx.deps.store, p, asked, maxAgeMs);
    return next({ ctx: { workspace } });
  });
}

export const resolveWorkspace = resolveWorkspaceRead(0);

/**
 * How stale the workspace a record call reads may be. Recording uses its organization (which never
 * changes) and, to wake streams, its plan and destination flag, hints the stream supervisor backs.
 */
export const RECORD_WORKSPACE_MAX_AGE_MS = 1_000;
export const resolveWorkspaceForRecording = resolveWorkspaceRead(RECORD_WORKSPACE_MAX_AGE_MS);

export function requireEntitlement(entitlement: Entitlement, feature: string) {
  return t.middleware(({ ctx, next }) => {
    const ws = (ctx as { workspace?: WorkspaceDoc }).workspace;
    if (!ws)
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'entitlement checked before the workspace was resolved',
      });
    assertEntitled(ws, entitlement, feature);
    return next();
  });
}
