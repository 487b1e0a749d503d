import express, { type Router } from 'express';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics` in Prometheus's text format. Open like /healthz: the families carry counts and
 * timings only, no tenant, event or destination ids (block the path at the ingress if even
 * volumes are private).
 */
export function metricsRoute(registry: Registry): Router {
  const r = express.Router();
  r.get('/metrics', async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(body);
    } catch (err) {
      next(err);
    }
  });
  return r;
}
