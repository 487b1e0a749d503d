import { z } from 'zod';
import { idSchema } from '@audit/shared';
import { adminProcedure, router, workspaceProcedure } from '../trpc/procedures.ts';
import { getRetentionRun, retentionStatus, startRetentionRun } from './retention-service.ts';
import { restRoute } from '../rest/openapi-meta.ts';
import { RetentionStatusOutput } from './retention-output.ts';

export const retentionRouter = router({
  /** Any key may ask what is kept for its own workspace (organization keys: one of theirs). */
  status: workspaceProcedure
    .meta(restRoute('GET', '/retention', 'What is kept for the workspace, and until when'))
    .output(RetentionStatusOutput)
    .query(({ ctx }) => retentionStatus(ctx.deps, ctx.workspace)),
});

export const adminRetentionRouter = router({
  runNow: adminProcedure
    .input(
      z
        .strictObject({ asOf: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant' }).optional() })
        .optional(),
    )
    .mutation(({ ctx, input }) => startRetentionRun(ctx.deps, input?.asOf)),
  run: adminProcedure
    .input(z.strictObject({ id: idSchema('retentionRun') }))
    .query(({ ctx, input }) => getRetentionRun(ctx.deps, input.id)),
});
