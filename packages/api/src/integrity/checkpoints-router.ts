import { z } from 'zod';
import { idSchema } from '@audit/shared';
import { restRoute } from '../rest/openapi-meta.ts';
import { requireScope } from '../trpc/middlewares.ts';
import { enterpriseProcedure, router } from '../trpc/procedures.ts';
import { getCheckpoint, listCheckpoints } from './checkpoints-service.ts';
import { CheckpointOutput, CheckpointPageOutput } from './integrity-output.ts';

const workspaceId = idSchema('workspace').optional();
const reader = enterpriseProcedure.use(requireScope('events:read'));

export const checkpointsRouter = router({
  list: reader
    .meta(
      restRoute(
        'GET',
        '/checkpoints',
        'List signed checkpoints, newest first',
        'Each checkpoint commits to the events it covers with an RFC 6962 Merkle root, chained to the previous one and signed with Ed25519.',
      ),
    )
    .input(
      z.strictObject({
        workspaceId,
        cursor: z.string().max(20, { message: 'must be at most 20 characters' }).optional(),
        limit: z
          .number()
          .int()
          .min(1, { message: 'must be at least 1' })
          .max(200, { message: 'must be at most 200' })
          .optional(),
      }),
    )
    .output(CheckpointPageOutput)
    .query(({ ctx, input }) => listCheckpoints(ctx.deps, ctx.workspace._id, input)),

  get: reader
    .meta(restRoute('GET', '/checkpoints/{number}', 'Get one checkpoint by number'))
    .input(
      z.strictObject({
        workspaceId,
        number: z.coerce
          .number()
          .int({ message: 'must be a whole number' })
          .min(1, { message: 'must be at least 1' })
          .max(1e12, { message: 'must be at most 1000000000000' }),
      }),
    )
    .output(CheckpointOutput)
    .query(({ ctx, input }) => getCheckpoint(ctx.deps, ctx.workspace._id, input.number)),
});
