import { adminRouter } from './admin/admin-router.ts';
import { eventsRouter } from './events/events-router.ts';
import { checkpointsRouter } from './integrity/checkpoints-router.ts';
import { adminRetentionRouter, retentionRouter } from './retention/retention-router.ts';
import { router } from './trpc/procedures.ts';
import { webhooksRouter } from './webhooks/webhooks-router.ts';

export const appRouter = router({
  admin: adminRouter,
  checkpoints: checkpointsRouter,
  events: eventsRouter,
  retention: retentionRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
