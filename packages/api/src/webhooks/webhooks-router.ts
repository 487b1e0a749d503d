import { z } from 'zod';
import { idSchema, InstantSchema, StartFromSchema, text, WEBHOOK_LIMITS, WebhookFields } from '@audit/shared';
import { requireEntitlement, requireScope } from '../trpc/middlewares.ts';
import { router, workspaceProcedure } from '../trpc/procedures.ts';
import { listDeliveries, recover, redeliver, replay, testWebhook } from './deliveries-service.ts';
import type { Actor } from './webhook-audit.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from './webhooks-service.ts';
import { restRoute } from '../rest/openapi-meta.ts';
import {
  DeliveriesPageOutput,
  RecoverOutput,
  RedeliverOutput,
  ReplayOutput,
  RotatedSecretOutput,
  TestDeliveryOutput,
  WebhookDeletedOutput,
  WebhookListOutput,
  WebhookOutput,
  WebhookWithSecretOutput,
} from './webhook-output.ts';

const workspaceId = idSchema('workspace').optional();
const id = idSchema('webhook');

const manager = workspaceProcedure
  .use(requireEntitlement('webhooks', 'webhook streaming'))
  .use(requireScope('webhooks:manage'));

function actorOf(ctx: { principal: { kind: string; keyId?: string } | null }): Actor {
  return ctx.principal?.kind === 'key' && ctx.principal.keyId
    ? { type: 'api_key', id: ctx.principal.keyId }
    : { type: 'system', id: 'audit-log' };
}

export const webhooksRouter = router({
  create: manager
    .meta(restRoute('POST', '/webhooks', 'Create a destination', 'The signing secret is in this answer only.'))
    .output(WebhookWithSecretOutput)
    .input(z.strictObject({ workspaceId, ...WebhookFields, startFrom: StartFromSchema.optional() }))
    .mutation(({ ctx, input }) => {
      const { workspaceId: _ws, ...fields } = input;
      return createWebhook(ctx.deps, ctx.workspace, actorOf(ctx), fields);
    }),

  list: manager
    .meta(restRoute('GET', '/webhooks', 'List destinations'))
    .input(z.strictObject({ workspaceId }))
    .output(WebhookListOutput)
    .query(({ ctx }) => listWebhooks(ctx.deps, ctx.workspace)),

  get: manager
    .meta(restRoute('GET', '/webhooks/{id}', 'Get a destination and its stream'))
    .input(z.strictObject({ workspaceId, id }))
    .output(WebhookOutput)
    .query(({ ctx, input }) => getWebhook(ctx.deps, ctx.workspace, input.id)),

  update: manager
    .meta(restRoute('PATCH', '/webhooks/{id}', 'Change a destination'))
    .output(WebhookOutput)
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

  delete: manager
    .meta(restRoute('DELETE', '/webhooks/{id}', 'Delete a destination'))
    .input(z.strictObject({ workspaceId, id }))
    .output(WebhookDeletedOutput)
    .mutation(({ ctx, input }) => deleteWebhook(ctx.deps, ctx.workspace, actorOf(ctx), input.id)),

  rotateSecret: manager
    .meta(
      restRoute(
        'POST',
        '/webhooks/{id}/rotate-secret',
        'Rotate the signing secret',
        'The previous secret keeps signing beside the new one until `previousSecretExpiresAt`.',
      ),
    )
    .input(z.strictObject({ workspaceId, id }))
    .output(RotatedSecretOutput)
    .mutation(({ ctx, input }) => rotateWebhookSecret(ctx.deps, ctx.workspace, actorOf(ctx), input.id)),

  test: manager
    .meta(restRoute('POST', '/webhooks/{id}/test', 'Send a test event and wait for the answer'))
    .input(z.strictObject({ workspaceId, id }))
    .output(TestDeliveryOutput)
    .mutation(({ ctx, input }) => testWebhook(ctx.deps, ctx.workspace, input.id)),

  deliveries: manager
    .meta(restRoute('GET', '/webhooks/{webhookId}/deliveries', 'List deliveries, newest first'))
    .output(DeliveriesPageOutput)
    .input(
      z.strictObject({
        workspaceId,
        webhookId: id,
        eventId: idSchema('event').optional(),
        status: z.enum(['pending', 'succeeded', 'failed']).optional(),
        cursor: z.string().max(200, { message: 'must be at most 200 characters' }).optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .max(WEBHOOK_LIMITS.deliveriesPage, { message: `must be at most ${WEBHOOK_LIMITS.deliveriesPage}` })
          .default(20),
      }),
    )
    .query(({ ctx, input }) => listDeliveries(ctx.deps, ctx.workspace, input)),

  redeliver: manager
    .meta(restRoute('POST', '/webhooks/deliveries/{deliveryId}/redeliver', 'Send a finished delivery again'))
    .input(z.strictObject({ workspaceId, deliveryId: idSchema('delivery') }))
    .output(RedeliverOutput)
    .mutation(({ ctx, input }) => redeliver(ctx.deps, ctx.workspace, input.deliveryId)),

  recover: manager
    .meta(restRoute('POST', '/webhooks/{webhookId}/recover', 'Redeliver every failed delivery since an instant'))
    .output(RecoverOutput)
    .input(z.strictObject({ workspaceId, webhookId: id, since: InstantSchema }))
    .mutation(({ ctx, input }) => recover(ctx.deps, ctx.workspace, input)),

  replay: manager
    .meta(restRoute('POST', '/webhooks/{id}/replay', 'Send a range of the log again'))
    .output(ReplayOutput)
    .input(z.strictObject({ workspaceId, id, since: InstantSchema, until: InstantSchema.optional() }))
    .mutation(({ ctx, input }) => replay(ctx.deps, ctx.workspace, input)),
});
