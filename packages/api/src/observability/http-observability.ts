import express, { type Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { httpLogging } from './http-logging.ts';
import { httpMetrics } from './http-metrics.ts';
import { metricsRoute } from './metrics-route.ts';

/**
 * Mounted first, so every later route is timed, counted and logged with its request id.
 * `procedures` are the router's names: the only values the procedure label may take.
 */
export function httpObservability(deps: ApiDeps, procedures: readonly string[]): Router {
  const r = express.Router();
  if (deps.metrics) r.use(httpMetrics(deps.metrics, procedures));
  r.use(httpLogging(deps.log));
  if (deps.metrics) r.use(metricsRoute(deps.metrics.registry));
  return r;
}
