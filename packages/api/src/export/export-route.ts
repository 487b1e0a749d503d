import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../auth/authenticate.ts';
import type { ApiDeps } from '../deps.ts';
import { SearchFields } from '../events/search-input.ts';
import { prepareSearch } from '../events/search-query.ts';
import { readableIssues } from '../trpc/init.ts';
import { CONTENT_TYPES, EXPORT_FORMATS } from './export-format.ts';
import { exportChunks } from './export-stream.ts';
import { isDatabaseUnavailable } from '@audit/store';
import { databaseUnavailable } from '../errors.ts';
import type { Release } from '../rate-limit/concurrency-cap.ts';
import { markRefusal, type RateLimiter } from '../rate-limit/rate-limiter.ts';

const list = (v: unknown) => (typeof v === 'string' ? (v === '' ? [] : v.split(',')) : v);
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** The search of `events.list`, from a query string or a form: lists may come comma-separated. */
const ExportParams = z.strictObject({
  ...SearchFields,
  scope: z.preprocess(blankToUndefined, SearchFields.scope),
  workspaceId: z.preprocess(blankToUndefined, SearchFields.workspaceId),
  from: z.preprocess(blankToUndefined, SearchFields.from),
  to: z.preprocess(blankToUndefined, SearchFields.to),
  categories: z.preprocess(list, SearchFields.categories),
  format: z.enum(EXPORT_FORMATS).default('csv'),
  /** Only in a form post: a download link cannot carry an Authorization header. */
  key: z.string().max(200).optional(),
});

/**
 * `GET /export?format=csv&q=…` with `Authorization: Bearer atk_…`, or the same fields posted as a
 * form with `key` (what the viewer's button does, so the browser streams the file to disk and the
 * key stays out of URLs and logs). Same auth, scope and filters as `events.list`.
 */
export function exportRoutes(deps: ApiDeps, limiter: RateLimiter): Router {
  const r = express.Router();
  r.get('/export', (req, res) => exportEvents(deps, limiter, req, res, req.query, req.headers.authorization));
  r.post('/export', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return exportEvents(deps, limiter, req, res, body, typeof body.key === 'string' ? `Bearer ${body.key}` : undefined);
  });
  return r;
}

async function exportEvents(
  deps: ApiDeps,
  limiter: RateLimiter,
  req: Request,
  res: Response,
  raw: unknown,
  authorization: string | undefined,
): Promise<void> {
  let search;
  let format;
  // An export streams for as long as its log takes: it holds one of its tenant's export slots until its stream ends.
  let release: Release = () => {};
  try {
    const parsed = ExportParams.safeParse(raw);
    if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: readableIssues(parsed.error.issues) });
    const { format: f, key: _key, ...input } = parsed.data;
    const principal = await authenticate(deps.store, deps.config.ADMIN_TOKEN, authorization);
    if (!principal || principal.kind !== 'key')
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: 'a valid API key is required (Authorization: Bearer atk_…)',
      });
    await limiter.enforce('export', principal);
    release = limiter.holdExportSlot(principal);
    search = await prepareSearch(deps, principal, input);
    format = f;
  } catch (err) {
    release();
    const error =
      err instanceof TRPCError
        ? err
        : isDatabaseUnavailable(err)
          ? databaseUnavailable(err)
          : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'export failed', cause: err });
    if (error.code === 'INTERNAL_SERVER_ERROR') (req.log ?? deps.log).error({ error: String(err) }, 'export failed');
    markRefusal(res, error);
    res.status(getHTTPStatusCodeFromError(error)).json({ error: { code: error.code, message: error.message } });
    return;
  }
  let cursor: ReturnType<ApiDeps['store']['events']['streamForWorkspaces']> | null = null;
  try {
    const names = new Map(search.workspaces.map((w) => [w._id, w.name]));
    const stamp = deps.clock().toISOString().replace(/[:.]/g, '-');
    res.status(200).set({
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="audit-log-${stamp}.${format}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    const ids = search.workspaces.map((w) => w._id);
    cursor = ids.length > 0 ? deps.store.events.streamForWorkspaces(ids, { filter: search.filter }) : null;
    await pipeline(Readable.from(exportChunks(cursor ?? emptyRows(), format, names)), res);
  } catch (err) {
    // Headers are gone: all that is left is to cut the response so the client sees it incomplete.
    if (!req.destroyed) (req.log ?? deps.log).error({ error: String(err) }, 'export stream failed');
    res.destroy();
  } finally {
    // Success, a failed stream and a client that hung up (the pipeline rejects on a premature close) all end here.
    await cursor?.close().catch(() => {});
    release();
  }
}

async function* emptyRows(): AsyncGenerator<never> {}
