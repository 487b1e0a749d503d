import express, { type Request, type RequestHandler, type Response } from 'express';
import { getErrorShape, type TRPCError } from '@trpc/server';
import { rateLimitClassOf } from '@audit/shared';
import { authenticate } from '../auth/authenticate.ts';
import type { ApiDeps } from '../deps.ts';
import { sendRestError } from '../rest/rest-errors.ts';
import { appRouter } from '../router.ts';
import { rateLimit } from './rate-limit-middleware.ts';
import { knownRefusal, mayRefuseFromMemory, retryAfterOf } from './rate-limiter.ts';
import { markRepeatRefusal } from './refusal-log.ts';

type ProcedureType = 'query' | 'mutation' | 'subscription';

interface LimitedProcedure {
  name: string;
  type: ProcedureType;
}

interface ProcedureDef {
  type: ProcedureType;
  middlewares: readonly unknown[];
  meta?: { openapi?: { method: string; path: string; enabled?: boolean } };
}

/** What tRPC's own method check accepts (no method override is configured). */
const METHOD_OF: Record<ProcedureType, string> = { query: 'GET', mutation: 'POST', subscription: 'GET' };

/**
 * Refuses, before tRPC or the REST adapter reads anything, a call whose API key's window this
 * process already knows to be full: the same 429, `Retry-After`, message, error body (tRPC's
 * envelope on /trpc, the REST one on /api/v1) and `audit_rate_limited_total` count as the
 * procedure's own rate-limit middleware would give, without the tRPC request machinery (a web
 * Request and Response per call, the middleware chain, an AbortController, the error shape and its
 * stack). A tenant at its limit is refused hundreds of times a second; each refusal here costs the
 * key cache look-up and a small JSON write. (Measured: bench/rate-limit-cost.ts, README.)
 *
 * Anything this cannot decide from memory goes on to the full path unchanged: a process with no
 * full window (one comparison), no API key or an unknown or expired one, a key whose
 * window still has room (the full path takes its point, then may refuse by the workspace), a
 * batch, a path or method tRPC would refuse for other reasons, a REST body that is not JSON. A
 * REST body is not parsed first: as over /trpc, a call is counted, and refused, before its input
 * is read. Only procedures behind the rate-limit middleware are considered, so `admin.*` and
 * public procedures never are. `beforeAnswer` runs just before a refusal is written (the request
 * log's hook: see observability/http-observability.ts).
 */
export function earlyRateLimitRefusal(deps: ApiDeps, beforeAnswer: (req: Request, res: Response) => void = () => {}): RequestHandler {
  const r = express.Router();
  if (!deps.config.RATE_LIMIT_ENABLED) return r;
  const trpc = new Map<string, LimitedProcedure>();
  // Every REST route, limited or not, so that the first match here is the REST adapter's first match.
  const rest: { method: string; expressPath: string; procedure: LimitedProcedure | null }[] = [];
  const marker = (rateLimit as unknown as { _middlewares: readonly unknown[] })._middlewares[0];
  for (const [name, proc] of Object.entries(appRouter._def.procedures)) {
    const def = (proc as unknown as { _def: ProcedureDef })._def;
    const limited = def.middlewares.includes(marker) ? { name, type: def.type } : null;
    if (limited) trpc.set(name, limited);
    const openapi = def.meta?.openapi;
    if (openapi && openapi.enabled !== false) rest.push({ method: openapi.method.toLowerCase(), expressPath: openapi.path.replace(/\{(\w+)\}/g, ':$1'), procedure: limited });
  }

  r.use('/trpc', (req, res, next) => {
    if (!mayRefuseFromMemory(deps)) return next();
    // Mounted at /trpc: req.path is what the tRPC adapter reads as the procedure's path.
    const procedure = trpc.get(req.path.slice(1));
    if (!procedure || req.method !== METHOD_OF[procedure.type] || isBatch(req)) return next();
    if (req.method === 'POST' && !isJson(req)) return next();
    void refuse(deps, procedure, req).then(
      (error) => {
        if (!error) return next();
        markRepeatRefusal(res);
        beforeAnswer(req, res);
        const body = { error: getErrorShape({ config: appRouter._def._config, error, type: procedure.type, path: procedure.name, input: undefined, ctx: undefined }) };
        res.statusCode = 429;
        res.setHeader('content-type', 'application/json');
        res.setHeader('retry-after', String(retryAfterOf(error)));
        res.end(JSON.stringify(body));
      },
      () => next(),
    );
  });

  // The REST adapter's own paths (under /api/v1) and methods, in its order; the first route that matches decides.
  for (const { method, expressPath, procedure } of rest) {
    (r as unknown as Record<string, (path: string, h: RequestHandler) => void>)[method]!(expressPath, (req, res, next) => {
      if (!procedure || !mayRefuseFromMemory(deps)) return next('router');
      if ((method === 'post' || method === 'patch') && !isJson(req)) return next('router');
      void refuse(deps, procedure, req).then(
        (error) => {
          if (!error) return next('router');
          markRepeatRefusal(res);
          beforeAnswer(req, res);
          // For the HTTP metrics, as the REST route names it (rest-routes.ts).
          res.locals['procedure'] = procedure.name;
          sendRestError(res, error, procedure.name, deps.log);
        },
        () => next('router'),
      );
    });
  }
  return r;
}

/**
 * The refusal the limiter already holds for this request's key, or null. Authentication is the
 * full path's own (the key cache answers it; a key not cached is read once, and then cached for
 * the full path, which authenticates again); a failure of any kind leaves the call to the full
 * path, which reports it as it always has.
 */
async function refuse(deps: ApiDeps, procedure: LimitedProcedure, req: Request): Promise<TRPCError | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const principal = await authenticate(deps.store, deps.config.ADMIN_TOKEN, header, deps.clock());
  if (principal?.kind !== 'key') return null;
  return knownRefusal(deps, rateLimitClassOf(procedure.name), principal);
}

/** tRPC answers a batch (`?batch=1`) in an envelope of its own: left to it. */
function isBatch(req: Request): boolean {
  const q = req.url.indexOf('?');
  return q >= 0 && new URLSearchParams(req.url.slice(q + 1)).has('batch');
}

/** As tRPC and express.json() decide it: the media type, parameters aside, case aside. */
function isJson(req: Request): boolean {
  return req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}
