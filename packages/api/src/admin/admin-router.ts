import { z } from 'zod';
import { idSchema, InstantSchema, PlanSchema, text } from '@audit/shared';
import { adminRetentionRouter } from '../retention/retention-router.ts';
import { adminProcedure, router } from '../trpc/procedures.ts';
import { createOrganization, createWorkspace, setWorkspacePlan } from './admin-service.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys-service.ts';

const ScopesSchema = z
  .array(z.enum(['events:write', 'events:read', 'webhooks:manage']))
  .min(1, { message: 'must name at least one scope' })
  .max(3);

/** Optional; "in the future" is checked against the service clock, not here. */
const ExpiresAtSchema = InstantSchema.optional();

const ApiKeyInput = z.union([
  z.strictObject({ workspaceId: idSchema('workspace'), scopes: ScopesSchema, expiresAt: ExpiresAtSchema }),
  z.strictObject({ organizationId: idSchema('organization'), scopes: ScopesSchema, expiresAt: ExpiresAtSchema }),
]);

const KeyOwnerInput = z.union([
  z.strictObject({ workspaceId: idSchema('workspace') }),
  z.strictObject({ organizationId: idSchema('organization') }),
]);

export const adminRouter = router({
  retention: adminRetentionRouter,
  organizations: router({
    create: adminProcedure
      .input(z.strictObject({ name: text(200, 1) }))
      .mutation(({ ctx, input }) => createOrganization(ctx.deps, input.name)),
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
      const { scopes, expiresAt, ...owner } = input;
      return createApiKey(ctx.deps, owner, scopes, expiresAt);
    }),
    list: adminProcedure.input(KeyOwnerInput).query(({ ctx, input }) => listApiKeys(ctx.deps, input)),
    revoke: adminProcedure
      .input(z.strictObject({ id: idSchema('apiKey') }))
      .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input.id)),
  }),
});
