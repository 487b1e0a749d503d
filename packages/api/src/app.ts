import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express } from 'express';
import { viewerRoutes } from '@audit/viewer';
import type { ApiDeps } from './deps.ts';
import { exportRoutes } from './export/export-route.ts';
import { integrityRoutes } from './integrity/integrity-routes.ts';
import { healthRoutes } from './http/health.ts';
import { httpObservability } from './observability/http-observability.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import { restRoutes } from './rest/rest-routes.ts';
import { appRouter } from './router.ts';
import { createContextFromRequest } from './trpc/context.ts';

/** A batch of 500 events at the 16 KiB metadata limit, with room for the envelope. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // One limiter per app: its memory of full windows is what lets a refusal skip the database.
  const limiter = new RateLimiter(deps);
  app.use(httpObservability(deps, Object.keys(appRouter._def.procedures), limiter));
  app.use(healthRoutes(deps));
  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: MAX_BODY_BYTES,
      createContext: ({ req }) => createContextFromRequest(deps, req),
      onError: ({ error, path, ctx }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          (ctx?.log ?? deps.log).error({ path, error: error.message, cause: String(error.cause) }, 'procedure failed');
      },
    }),
  );
  app.use(restRoutes(deps, MAX_BODY_BYTES));
  // Before the events export, whose `/export` must not see `/export/checkpoints`.
  app.use(integrityRoutes(deps, limiter));
  app.use(exportRoutes(deps, limiter));
  app.use(viewerRoutes());
  return app;
}
