import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import express, { type Request, type Response, type Router } from 'express';
import { stripCheckpointDoc, stripPurgeRecordDoc, isDatabaseUnavailable, type SigningKeyDoc } from '@audit/store';
import { authenticate } from '../auth/authenticate.ts';
import { assertEntitled, findWorkspaceForKey } from '../auth/workspace-access.ts';
import type { ApiDeps } from '../deps.ts';
import { databaseUnavailable, forbidden } from '../errors.ts';
import { markRefusal, type RateLimiter } from '../rate-limit/rate-limiter.ts';

export const KEYS_PATH = '/.well-known/audit-log-keys.json';

/** The newest key is the one signing now; every older one is kept, marked retired, so old checkpoints verify. */
export function publishedKeys(docs: SigningKeyDoc[]) {
  const newest = docs.reduce<SigningKeyDoc | null>((a, d) => (!a || d.firstUsedAt > a.firstUsedAt ? d : a), null);
  return {
    keys: docs.map((d) => ({
      keyId: d._id,
      algorithm: d.algorithm,
      publicKey: d.publicKey,
      status: d === newest ? ('active' as const) : ('retired' as const),
      firstUsedAt: d.firstUsedAt.toISOString(),
      lastUsedAt: d.lastUsedAt.toISOString(),
    })),
  };
}

/**
 * `GET /.well-known/audit-log-keys.json`: public, like any verification key. And
 * `GET /export/checkpoints?workspaceId=…`: a workspace's whole chain as NDJSON (each checkpoint
 * with its leaves, in number order, then the purge records), what `npm run verify` reads online
 * and what a customer archives for offline checks. Same auth, scope and plan as `checkpoints.list`.
 */
export function integrityRoutes(deps: ApiDeps, limiter: RateLimiter): Router {
  const r = express.Router();
  r.get(KEYS_PATH, async (_req, res) => {
    try {
      const docs = await deps.store.signingKeys.list();
      res.set('cache-control', 'public, max-age=60').json(publishedKeys(docs));
    } catch (err) {
      fail(deps, _req, res, err);
    }
  });
  r.get('/export/checkpoints', (req, res) => exportCheckpoints(deps, limiter, req, res));
  return r;
}

async function exportCheckpoints(deps: ApiDeps, limiter: RateLimiter, req: Request, res: Response): Promise<void> {
  let workspaceId: string;
  try {
    const asked =
      typeof req.query.workspaceId === 'string' && req.query.workspaceId !== '' ? req.query.workspaceId : undefined;
    const principal = await authenticate(deps.store, deps.config.ADMIN_TOKEN, req.headers.authorization);
    if (!principal || principal.kind !== 'key')
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: 'a valid API key is required (Authorization: Bearer atk_…)',
      });
    if (!principal.scopes.includes('events:read')) throw forbidden('this API key lacks the "events:read" scope');
    await limiter.enforce('export', principal);
    const ws = await findWorkspaceForKey(deps.store, principal, asked);
    assertEntitled(ws, 'viewer', 'reading the audit log');
    workspaceId = ws._id;
  } catch (err) {
    fail(deps, req, res, err);
    return;
  }
  const cursor = deps.store.checkpoints.allForWorkspace(workspaceId);
  try {
    res
      .status(200)
      .set({
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
        'content-disposition': `attachment; filename="checkpoints-${workspaceId}.ndjson"`,
      });
    for await (const doc of cursor) {
      const leaves = (await deps.store.checkpoints.leafHashes(workspaceId, doc.number)) ?? [];
      if (!res.write(`${JSON.stringify({ type: 'checkpoint', ...stripCheckpointDoc(doc), leaves })}\n`))
        await new Promise((ok) => res.once('drain', ok));
    }
    for (const rec of await deps.store.purgeRecords.listForWorkspace(workspaceId))
      res.write(`${JSON.stringify({ type: 'purge', ...stripPurgeRecordDoc(rec) })}\n`);
    res.end();
  } catch (err) {
    (req.log ?? deps.log).error({ error: String(err) }, 'checkpoint export failed');
    res.destroy();
  } finally {
    await cursor.close().catch(() => {});
  }
}

function fail(deps: ApiDeps, req: Request, res: Response, err: unknown): void {
  const error =
    err instanceof TRPCError
      ? err
      : isDatabaseUnavailable(err)
        ? databaseUnavailable(err)
        : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'request failed', cause: err });
  if (error.code === 'INTERNAL_SERVER_ERROR')
    (req.log ?? deps.log).error({ error: String(err) }, 'integrity route failed');
  markRefusal(res, error);
  res.status(getHTTPStatusCodeFromError(error)).json({ error: { code: error.code, message: error.message } });
}
