import { z } from 'zod';
import { idSchema, InstantSchema, StartFromSchema, text, WEBHOOK_LIMITS, WebhookFields } from '@audit/shared';
import { requireEntitlement, requireScope } from '../trpc/middlewares.ts';
import { router, workspaceProcedure } from '../trpc/procedures.ts';
import { listDeliveries, recover, redeliver, replay, testWebhook } from './deliveries-service.ts';
import type { Actor } from './webhook-audit.ts';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, rotateWebhookSecret, updateWebhook } from './webhooks-service.ts';

const workspaceId = idSchema('workspace').optional();
const id = idSchema('webhook');

const manager = workspaceProcedure.use(requireEntitlement('webhooks', 'webhook streaming')).use(requireScope('webhooks:manage'));

function actorOf(ctx: { principal: { kind: string; keyId?: string } | null }): Actor {
  return ctx.principal?.kind === 'key' && ctx.principal.keyId ? { type: 'api_key', id: ctx.principal.keyId } : { type: 'system', id: 'audit-log' };
}

export const webhooksRouter = router({
  create: manager.input(z.strictObject({ workspaceId, ...WebhookFields, startFrom: StartFromSchema.optional() })).mutation(({ ctx, input }) => {
    const { workspaceId: _ws, ...fields } = input;
    return createWebhook(ctx.deps, ctx.workspace, actorOf(ctx), fields);
  }),

  list: manager.input(z.strictObject({ workspaceId })).query(({ ctx }) => listWebhooks(ctx.deps, ctx.workspace)),

  get: manager.input(z.strictObject({ workspaceId, id })).query(({ ctx, input }) => getWebhook(ctx.deps, ctx.workspace, input.id)),

  update: manager
    .input(
      z.strictObject({
        workspaceId,
        id,
        ...WebhookFields,
        url: WebhookFields.url.optional(),
        description: text(WEBHOOK_LIMITS.description).nullable().optional(),
        enabled: z.boolean().optional(),
        resumeFrom: z.enum(['position', 'now'], { message: "must be 'position' or 'now'" }).optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateWebhook(ctx.deps, ctx.workspace, actorOf(ctx), input)),

  delete: manager.input(z.strictObject({ workspaceId, id })).mutation(({ ctx, input }) => deleteWebhook(ctx.deps, ctx.workspace, actorOf(ctx), input.id)),

  rotateSecret: manager.input(z.strictObject({ workspaceId, id })).mutation(({ ctx, input }) => rotateWebhookSecret(ctx.deps, ctx.workspace, actorOf(ctx), input.id)),

  test: manager.input(z.strictObject({ workspaceId, id })).mutation(({ ctx, input }) => testWebhook(ctx.deps, ctx.workspace, input.id)),

  deliveries: manager
    .input(
      z.strictObject({
        workspaceId,
        webhookId: id,
        eventId: idSchema('event').optional(),
        status: z.enum(['pending', 'succeeded', 'failed']).optional(),
        cursor: z.string().max(200, { message: 'must be at most 200 characters' }).optional(),
        limit: z.number().int().min(1).max(WEBHOOK_LIMITS.deliveriesPage, { message: `must be at most ${WEBHOOK_LIMITS.deliveriesPage}` }).default(20),
      }),
    )
    .query(({ ctx, input }) => listDeliveries(ctx.deps, ctx.workspace, input)),

  redeliver: manager.input(z.strictObject({ workspaceId, deliveryId: idSchema('delivery') })).mutation(({ ctx, input }) => redeliver(ctx.deps, ctx.workspace, input.deliveryId)),

  recover: manager
    .input(z.strictObject({ workspaceId, webhookId: id, since: InstantSchema }))
    .mutation(({ ctx, input }) => recover(ctx.deps, ctx.workspace, input)),

  replay: manager
    .input(z.strictObject({ workspaceId, id, since: InstantSchema, until: InstantSchema.optional() }))
    .mutation(({ ctx, input }) => replay(ctx.deps, ctx.workspace, input)),
});
