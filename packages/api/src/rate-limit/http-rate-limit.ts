import express, { type Request, type RequestHandler, type Response } from 'express';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { rateLimitClassOf } from '@audit/shared';
import { authenticate } from '../auth/authenticate.ts';
import type { ApiDeps } from '../deps.ts';
import { openApiDocument } from '../rest/openapi-document.ts';
import { sendRestError } from '../rest/rest-errors.ts';
import { restOperations } from '../rest/rest-operations.ts';
import { markRefusal, rateLimitedOf, retryAfterOf, type RateLimiter } from './rate-limiter.ts';

/** Runs just before a refusal is written; `repeat` when the limiter answered it from memory. */
export type BeforeRefusal = (req: Request, res: Response, repeat: boolean) => void;

/**
 * Where a call over /trpc or the REST routes is counted against its rate limits: one Express
 * router, mounted ahead of tRPC, the REST adapter and the request log, keyed on the path. Every
 * call made with an API key is counted, before its input is read (a flood of bad requests is
 * limited like one of good ones); calls with the admin token or no valid key go on uncounted and
 * meet their own 401 or are served. A refused call is answered here, in the surface's own error
 * body (tRPC's envelope on /trpc, the REST one on /api/v1), with `Retry-After`, and never reaches
 * tRPC: a tenant at its limit is refused hundreds of times a second, and this keeps each refusal
 * to a key-cache look-up, the limiter's memory and a small JSON write. The export routes count
 * their calls themselves (export-route.ts, integrity-routes.ts), with the same limiter.
 */
export function httpRateLimits(deps: ApiDeps, limiter: RateLimiter, beforeRefusal: BeforeRefusal): RequestHandler {
  const r = express.Router();
  if (!limiter.enabled) return r;

  r.use('/trpc', (req, res, next) => {
    const paths = trpcPaths(req);
    void count(deps, limiter, req, paths).then(
      (error) => {
        if (!error) return next('router');
        refuse(req, res, error, beforeRefusal);
        res.statusCode = 429;
        res.setHeader('content-type', 'application/json');
        const bodies = paths.map((path) => ({ error: trpcErrorShape(error, path) }));
        res.end(JSON.stringify(isBatch(req) ? bodies : bodies[0]));
      },
      () => next('router'),
    );
  });

  // The REST adapter's own routes (rest-routes.ts registers the same list, in the same order): the first match decides.
  for (const op of restOperations(openApiDocument(deps.config.PUBLIC_BASE_URL))) {
    r[op.method](op.expressPath, (req, res, next) => {
      void count(deps, limiter, req, [op.procedure]).then(
        (error) => {
          if (!error) return next('router');
          refuse(req, res, error, beforeRefusal);
          // For the HTTP metrics, as the REST route names it (rest-routes.ts).
          res.locals['procedure'] = op.procedure;
          sendRestError(res, error, op.procedure, deps.log);
        },
        () => next('router'),
      );
    });
  }
  return r;
}

/**
 * Counts each call of the request in turn; the refusal of the first one over a limit, or null.
 * No API key (or an unknown one) counts nothing. Authentication is the key cache's (the route
 * authenticates again, from the same cache); a failure of any kind here lets the call go on
 * uncounted (the limiter fails open), and the route reports the failure as it always has.
 */
async function count(deps: ApiDeps, limiter: RateLimiter, req: Request, paths: string[]): Promise<TRPCError | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const principal = await authenticate(deps.store, deps.config.ADMIN_TOKEN, header, deps.clock()).catch(() => null);
  if (principal?.kind !== 'key') return null;
  try {
    for (const path of paths) await limiter.enforce(rateLimitClassOf(path), principal);
    return null;
  } catch (err) {
    if (retryAfterOf(err) === null) throw err;
    return err as TRPCError;
  }
}

function refuse(req: Request, res: Response, error: TRPCError, beforeRefusal: BeforeRefusal): void {
  markRefusal(res, error);
  beforeRefusal(req, res, rateLimitedOf(error)?.repeat === true);
}

/**
 * The procedure paths of a /trpc request, read as tRPC's Express adapter reads them: the last
 * segment of the path, URL-decoded, split at commas for a batch (`?batch=1`). Read any other way,
 * `/trpc/x/events.list` or `/trpc/%65vents.list` would be counted in another class than the
 * procedure tRPC then runs.
 */
function trpcPaths(req: Request): string[] {
  const last = req.path.slice(req.path.lastIndexOf('/') + 1);
  let path = last;
  try {
    path = decodeURIComponent(last);
  } catch {
    // tRPC refuses it (400); counted as it came.
  }
  return isBatch(req) ? path.split(',') : [path];
}

function isBatch(req: Request): boolean {
  const q = req.url.indexOf('?');
  return q >= 0 && new URLSearchParams(req.url.slice(q + 1)).get('batch') === '1';
}

/**
 * tRPC's error shape for a refusal: its wire format (message, JSON-RPC code, data.code,
 * data.httpStatus, data.path), as tRPC answers in production. The project's error formatter
 * (trpc/init.ts) changes only BAD_REQUEST, never a refusal.
 */
function trpcErrorShape(error: TRPCError, path: string) {
  const data = { code: error.code, httpStatus: getHTTPStatusCodeFromError(error), path };
  return { message: error.message, code: TRPC_ERROR_CODES_BY_KEY[error.code], data };
}
