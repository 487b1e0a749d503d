import { z } from 'zod';
import { PlanSchema } from '@audit/shared';
import type { Same } from '../trpc/same-type.ts';
import type { RetentionStatus } from './retention-service.ts';

const instant = z.string().meta({ format: 'date-time' });

export const RetentionStatusOutput = z
  .object({
    workspaceId: z.string(),
    plan: PlanSchema,
    retentionDays: z.number(),
    oldestEventAt: instant.nullable(),
    lastPurgeAt: instant.nullable(),
    nextPurgeAt: instant,
  })
  .meta({ id: 'RetentionStatus' });

true satisfies Same<z.output<typeof RetentionStatusOutput>, RetentionStatus>;
