import express, { type Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { httpRateLimits } from '../rate-limit/http-rate-limit.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { httpLogging } from './http-logging.ts';
import { httpMetrics } from './http-metrics.ts';
import { metricsRoute } from './metrics-route.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';

/**
 * Mounted first, so every later route is timed, counted and logged with its request id.
 * `procedures` are the router's names: the only values the procedure label may take. Here too,
 * ahead of every route: the rate limits of /trpc and the REST routes (see http-rate-limit.ts), so
 * that a refusal is timed and counted like any request but skips tRPC and the REST adapter.
 */
export function httpObservability(deps: ApiDeps, procedures: readonly string[], limiter: RateLimiter): Router {
  const r = express.Router();
  if (deps.metrics) r.use(httpMetrics(deps.metrics, procedures));
  const logging = httpLogging(deps.log);
  // Ahead of the request log: pino-http builds a child logger with the serialized request for
  // every request, whatever the level, which was the largest cost left in a refusal. A repeat
  // refusal is logged at debug (see http-logging.ts), so it meets the request log only when debug
  // is on; else it gets its request id and no logger. The refusal that finds a window full is
  // logged at info like any request.
  r.use(
    httpRateLimits(deps, limiter, (req, res, repeat) => {
      if (!repeat || deps.log.isLevelEnabled('debug')) logging(req, res, () => {});
      else res.setHeader(REQUEST_ID_HEADER, requestIdFrom(req.headers[REQUEST_ID_HEADER]));
    }),
  );
  r.use(logging);
  if (deps.metrics) r.use(metricsRoute(deps.metrics.registry));
  return r;
}
