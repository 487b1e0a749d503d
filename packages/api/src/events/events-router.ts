import { z } from 'zod';
import { checkCatalogue, idSchema, LIMITS, RecordEventFields } from '@audit/shared';
import { requireScope } from '../trpc/middlewares.ts';
import { authenticatedProcedure, enterpriseProcedure, router, workspaceProcedure } from '../trpc/procedures.ts';
import { getEvent, listEvents, recordEvents } from './events-service.ts';
import { ListInputSchema } from './search-input.ts';
import { prepareSearch } from './search-query.ts';

const workspaceId = idSchema('workspace').optional();
const RecordInput = z.strictObject({ ...RecordEventFields, workspaceId }).superRefine(checkCatalogue);
const BatchInput = z.strictObject({
  workspaceId,
  events: z
    .array(z.strictObject(RecordEventFields).superRefine(checkCatalogue))
    .min(1, { message: 'must hold at least one event' })
    .max(LIMITS.batchSize, { message: `must hold at most ${LIMITS.batchSize} events` }),
});

const writer = workspaceProcedure.use(requireScope('events:write'));
const reader = enterpriseProcedure.use(requireScope('events:read'));

export const eventsRouter = router({
  record: writer.input(RecordInput).mutation(async ({ ctx, input }) => {
    const { workspaceId: _ws, ...event } = input;
    const [result] = await recordEvents(ctx.deps, ctx.workspace, [event]);
    return result!.event;
  }),

  recordBatch: writer.input(BatchInput).mutation(async ({ ctx, input }) => {
    const results = await recordEvents(ctx.deps, ctx.workspace, input.events, ['events']);
    return { events: results.map((r) => r.event) };
  }),

  list: authenticatedProcedure.input(ListInputSchema).query(async ({ ctx, input }) => {
    const search = await prepareSearch(ctx.deps, ctx.key, input);
    return listEvents(ctx.deps, search, input);
  }),

  get: reader.input(z.strictObject({ workspaceId, id: idSchema('event') })).query(({ ctx, input }) => getEvent(ctx.deps, ctx.workspace._id, input.id)),
});
