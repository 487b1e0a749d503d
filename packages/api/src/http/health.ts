import type { Router } from 'express';
import express from 'express';
import type { ApiDeps } from '../deps.ts';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await withTimeout(fn(), CHECK_TIMEOUT_MS);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `/healthz`: the process answers. `/readyz`: its dependencies answer too. */
export function healthRoutes(deps: ApiDeps): Router {
  const r = express.Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const [mongodb, temporal] = await Promise.all([
      check(() => deps.store.db.command({ ping: 1 })),
      deps.temporal
        ? check(() => deps.temporal!.connection.healthService.check({}))
        : Promise.resolve({ ok: false, error: 'no Temporal client configured' }),
    ]);
    const ready = mongodb.ok && temporal.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { mongodb, temporal } });
  });
  return r;
}
