import express, { type Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { earlyRateLimitRefusal } from '../rate-limit/early-refusal.ts';
import { httpLogging } from './http-logging.ts';
import { httpMetrics } from './http-metrics.ts';
import { metricsRoute } from './metrics-route.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';

/**
 * Mounted first, so every later route is timed, counted and logged with its request id.
 * `procedures` are the router's names: the only values the procedure label may take. Here too,
 * ahead of every route: the refusals the rate limiter can answer from memory, so that they are
 * timed and counted like any request but skip tRPC and the REST adapter (see early-refusal.ts).
 */
export function httpObservability(deps: ApiDeps, procedures: readonly string[]): Router {
  const r = express.Router();
  if (deps.metrics) r.use(httpMetrics(deps.metrics, procedures));
  const logging = httpLogging(deps.log);
  // Ahead of the request log: pino-http builds a child logger with the serialized request for
  // every request, whatever the level, which was the largest cost left in a refusal answered from
  // memory. Such a refusal is logged at debug (see http-logging.ts), so it meets the request log
  // only when debug is on; else it gets its request id and no logger.
  r.use(
    earlyRateLimitRefusal(deps, (req, res) => {
      if (deps.log.isLevelEnabled('debug')) logging(req, res, () => {});
      else res.setHeader(REQUEST_ID_HEADER, requestIdFrom(req.headers[REQUEST_ID_HEADER]));
    }),
  );
  r.use(logging);
  if (deps.metrics) r.use(metricsRoute(deps.metrics.registry));
  return r;
}
