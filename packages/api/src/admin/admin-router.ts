import { z } from 'zod';
import { idSchema, PlanSchema, text } from '@audit/shared';
import { adminRetentionRouter } from '../retention/retention-router.ts';
import { adminProcedure, router } from '../trpc/procedures.ts';
import { createApiKey, createOrganization, createWorkspace, revokeApiKey, setWorkspacePlan } from './admin-service.ts';

const ScopesSchema = z
  .array(z.enum(['events:write', 'events:read', 'webhooks:manage']))
  .min(1, { message: 'must name at least one scope' })
  .max(3);

const ApiKeyInput = z.union([
  z.strictObject({ workspaceId: idSchema('workspace'), scopes: ScopesSchema }),
  z.strictObject({ organizationId: idSchema('organization'), scopes: ScopesSchema }),
]);

export const adminRouter = router({
  retention: adminRetentionRouter,
  organizations: router({
    create: adminProcedure.input(z.strictObject({ name: text(200, 1) })).mutation(({ ctx, input }) => createOrganization(ctx.deps, input.name)),
  }),
  workspaces: router({
    create: adminProcedure
      .input(z.strictObject({ organizationId: idSchema('organization'), name: text(200, 1), plan: PlanSchema }))
      .mutation(({ ctx, input }) => createWorkspace(ctx.deps, input)),
    setPlan: adminProcedure
      .input(z.strictObject({ workspaceId: idSchema('workspace'), plan: PlanSchema }))
      .mutation(({ ctx, input }) => setWorkspacePlan(ctx.deps, input.workspaceId, input.plan)),
  }),
  apiKeys: router({
    create: adminProcedure.input(ApiKeyInput).mutation(({ ctx, input }) => {
      const { scopes, ...owner } = input;
      return createApiKey(ctx.deps, owner, scopes);
    }),
    revoke: adminProcedure.input(z.strictObject({ id: idSchema('apiKey') })).mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input.id)),
  }),
});
