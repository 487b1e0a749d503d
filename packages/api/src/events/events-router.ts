import { z } from 'zod';
import { checkCatalogue, idSchema, LIMITS, RecordEventFields, type RecordEventInput } from '@audit/shared';
import { requireScope } from '../trpc/middlewares.ts';
import { authenticatedProcedure, enterpriseProcedure, recordingProcedure, router } from '../trpc/procedures.ts';
import { getEvent, listEvents, recordEvents } from './events-service.ts';
import { ListInputSchema } from './search-input.ts';
import { prepareSearch } from './search-query.ts';
import { restRoute } from '../rest/openapi-meta.ts';
import { EventOutput, ListPageOutput, RecordBatchOutput } from './event-output.ts';
import { proveEvent } from '../integrity/checkpoints-service.ts';
import { ProofOutput } from '../integrity/integrity-output.ts';

const workspaceId = idSchema('workspace').optional();
const RecordInput = z.strictObject({ ...RecordEventFields, workspaceId }).superRefine(checkCatalogue);
const BatchInput = z.strictObject({
  workspaceId,
  events: z
    .array(z.strictObject(RecordEventFields).superRefine(checkCatalogue))
    .min(1, { message: 'must hold at least one event' })
    .max(LIMITS.batchSize, { message: `must hold at most ${LIMITS.batchSize} events` }),
});

const writer = recordingProcedure.use(requireScope('events:write'));

/** The request's id goes into an event whose caller sent none, so a stored event leads to its request's log line. */
function withRequestId<E extends RecordEventInput>(event: E, requestId: string): E {
  return event.context?.requestId ? event : { ...event, context: { ...event.context, requestId } };
}
const reader = enterpriseProcedure.use(requireScope('events:read'));

export const eventsRouter = router({
  record: writer
    .meta(
      restRoute(
        'POST',
        '/events',
        'Record an event',
        'Idempotent with `idempotencyKey`: a retry with the same key returns the stored event.',
      ),
    )
    .input(RecordInput)
    .output(EventOutput)
    .mutation(async ({ ctx, input }) => {
      const { workspaceId: _ws, ...event } = input;
      ctx.deps.metrics?.recordBatch(1);
      const [result] = await recordEvents(ctx.deps, ctx.workspace, [withRequestId(event, ctx.request.requestId)]);
      return result!.event;
    }),

  recordBatch: writer
    .meta(
      restRoute(
        'POST',
        '/events/batch',
        `Record up to ${LIMITS.batchSize} events`,
        'All or nothing for validation: one bad event refuses the batch.',
      ),
    )
    .input(BatchInput)
    .output(RecordBatchOutput)
    .mutation(async ({ ctx, input }) => {
      ctx.deps.metrics?.recordBatch(input.events.length);
      const results = await recordEvents(
        ctx.deps,
        ctx.workspace,
        input.events.map((e) => withRequestId(e, ctx.request.requestId)),
        ['events'],
      );
      return { events: results.map((r) => r.event) };
    }),

  list: authenticatedProcedure
    .meta(
      restRoute(
        'GET',
        '/events',
        'List or search events, newest first',
        'Pass `nextCursor` back as `cursor` for the next (older) page.',
      ),
    )
    .input(ListInputSchema)
    .output(ListPageOutput)
    .query(async ({ ctx, input }) => {
      const search = await prepareSearch(ctx.deps, ctx.key, input);
      return listEvents(ctx.deps, search, input);
    }),

  get: reader
    .meta(restRoute('GET', '/events/{id}', 'Get one event'))
    .input(z.strictObject({ workspaceId, id: idSchema('event') }))
    .output(EventOutput)
    .query(({ ctx, input }) => getEvent(ctx.deps, ctx.workspace._id, input.id)),

  proof: reader
    .meta(
      restRoute(
        'GET',
        '/events/{id}/proof',
        'Inclusion proof of one event',
        'The signed checkpoint that seals the event and the RFC 6962 audit path from its hash to the checkpoint’s root; `sealed: false` until the next sealing pass.',
      ),
    )
    .input(z.strictObject({ workspaceId, id: idSchema('event') }))
    .output(ProofOutput)
    .query(({ ctx, input }) => proveEvent(ctx.deps, ctx.workspace._id, input.id)),
});
