import { z } from 'zod';
import { idSchema } from '@audit/shared';
import { t } from './init.ts';
import {
  translateInfrastructureErrors,
  requireAdmin,
  requireApiKey,
  requireEntitlement,
  resolveWorkspace,
  resolveWorkspaceForRecording,
} from './middlewares.ts';

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(translateInfrastructureErrors);
export const adminProcedure = publicProcedure.use(requireAdmin);
/** Over HTTP, counted against the key's and its workspace's rate limits before it runs (rate-limit/http-rate-limit.ts). */
export const authenticatedProcedure = publicProcedure.use(requireApiKey);

/** Every input of a workspace-scoped procedure may name the workspace (organization keys must). */
export const WorkspaceRefSchema = z.object({ workspaceId: idSchema('workspace').optional() });

export const workspaceProcedure = authenticatedProcedure.input(WorkspaceRefSchema).use(resolveWorkspace);
/** Recording: the workspace as read within the last second (see RECORD_WORKSPACE_MAX_AGE_MS). */
export const recordingProcedure = authenticatedProcedure.input(WorkspaceRefSchema).use(resolveWorkspaceForRecording);
export const enterpriseProcedure = workspaceProcedure.use(requireEntitlement('viewer', 'reading the audit log'));
