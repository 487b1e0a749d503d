import { adminRouter } from './admin/admin-router.ts';
import { eventsRouter } from './events/events-router.ts';
import { adminRetentionRouter, retentionRouter } from './retention/retention-router.ts';
import { router } from './trpc/procedures.ts';

export const appRouter = router({
  admin: adminRouter,
  events: eventsRouter,
  retention: retentionRouter,
});

export type AppRouter = typeof appRouter;
