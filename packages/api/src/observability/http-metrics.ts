import type { RequestHandler } from 'express';
import type { ApiMetrics } from './api-metrics.ts';
import { procedureLabel, statusLabel } from './request-labels.ts';

/** Counts and times every request, labelled from a closed set (see request-labels.ts). */
export function httpMetrics(metrics: ApiMetrics, procedures: readonly string[]): RequestHandler {
  const known = new Set(procedures);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Read before routing: a mounted router rewrites req.path to the part below its mount point.
    const procedure = procedureLabel(req.path, known);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A REST route names the procedure it ran (rest-routes.ts); only known names are taken.
      const rest = res.locals['procedure'];
      const label = procedure === 'other' && typeof rest === 'string' && known.has(rest) ? rest : procedure;
      metrics.httpRequest(label, statusLabel(res.statusCode, res.writableFinished), seconds);
    });
    next();
  };
}
