import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { TRPCError } from '@trpc/server';
import type { ApiDeps, Logger } from '../deps.ts';
import { appRouter } from '../router.ts';
import { createContextFromRequest } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/procedures.ts';
import { openApiDocument } from './openapi-document.ts';
import { REST_PREFIX } from './openapi-meta.ts';
import { sendRestError } from './rest-errors.ts';
import { inputFromQuery, restOperations, type RestOperation } from './rest-operations.ts';

const createCaller = createCallerFactory(appRouter);

/**
 * `GET /openapi.json`, and the REST routes it describes under /api/v1. Each route calls its
 * procedure through a tRPC caller with the context /trpc builds, so auth, scopes, rate limits,
 * validation and errors are the procedure's own. (trpc-to-openapi's own adapter is not used: it
 * coerces by switching `coerce` on in the procedures' shared zod schemas, which would change what
 * /trpc accepts too, e.g. `"false"` as `true`, and it replaces the field-and-limit message.)
 */
export function restRoutes(deps: ApiDeps, maxBodyBytes: number): Router {
  const doc = openApiDocument(deps.config.PUBLIC_BASE_URL);
  const r = express.Router();
  r.get('/openapi.json', (_req, res) => void res.json(doc));
  const api = express.Router();
  api.use(express.json({ limit: maxBodyBytes }));
  for (const op of restOperations(doc))
    api[op.method](op.expressPath.slice(REST_PREFIX.length), (req, res) => handle(deps, op, req, res));
  api.use((req, res) =>
    sendRestError(
      res,
      new TRPCError({
        code: 'NOT_FOUND',
        message: `no route ${req.method} ${REST_PREFIX}${req.path}; see /openapi.json`,
      }),
      undefined,
      deps.log,
    ),
  );
  api.use((err: unknown, req: Request, res: Response, _next: NextFunction) =>
    sendRestError(res, requestError(err), undefined, logOf(deps, req)),
  );
  r.use(REST_PREFIX, api);
  return r;
}

async function handle(deps: ApiDeps, op: RestOperation, req: Request, res: Response): Promise<void> {
  // For the HTTP metrics: `/api/v1/events/{id}` is counted as events.get, not as a path.
  res.locals['procedure'] = op.procedure;
  let log = logOf(deps, req);
  try {
    if (op.takesBody && !req.is('application/json'))
      throw new TRPCError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'the body must be JSON (content-type: application/json)',
      });
    const body: unknown = op.takesBody ? req.body : {};
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'the body must be a JSON object' });
    const fromQuery = op.takesBody ? {} : inputFromQuery(req.query as Record<string, unknown>, op.query);
    const input = { ...fromQuery, ...body, ...req.params };
    const ctx = await createContextFromRequest(deps, req);
    log = ctx.log;
    const fn = op.procedure.split('.').reduce<any>((node, key) => node[key], createCaller(ctx)) as (
      input: unknown,
    ) => Promise<unknown>;
    res.status(200).json(await fn(input));
  } catch (err) {
    sendRestError(res, err, op.procedure, log);
  }
}

function logOf(deps: ApiDeps, req: Request): Logger {
  return (req.log as Logger | undefined) ?? deps.log;
}

/** What Express refuses before a route runs (a body that is no JSON, a path that is no URL), as the same error body. */
function requestError(err: unknown): unknown {
  const e = (err ?? {}) as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed')
    return new TRPCError({ code: 'BAD_REQUEST', message: 'the body is not valid JSON' });
  if (e.type === 'entity.too.large')
    return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'the body is too large' });
  if (e.type) return new TRPCError({ code: 'BAD_REQUEST', message: `the body could not be read (${e.type})` });
  if (err instanceof URIError || e.status === 400)
    return new TRPCError({ code: 'BAD_REQUEST', message: 'the URL could not be decoded' });
  return err;
}
