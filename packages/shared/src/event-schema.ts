import { z } from 'zod';
import {
  CATALOGUE,
  CategorySchema,
  isCatalogued,
  RECORDABLE_CATEGORIES,
  SYSTEM_CATEGORIES,
  type Category,
} from './catalogue.ts';
import { idSchema } from './ids.ts';
import { LIMITS } from './limits.ts';
import { checkMetadata } from './metadata.ts';

/** A bounded, well-formed string: every free-text field goes through this. */
export function text(max: number, min = 0) {
  return z
    .string()
    .min(min, { message: min === 1 ? 'must not be empty' : `must be at least ${min} characters` })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => s.isWellFormed(), { message: 'must be well-formed UTF-16 (lone surrogate found)' });
}

export const ACTOR_TYPES = ['user', 'api_key', 'system', 'github_app'] as const;

export const ActorSchema = z.strictObject({
  type: z.enum(ACTOR_TYPES),
  id: text(LIMITS.actorId, 1),
  name: text(LIMITS.actorName).optional(),
  email: z.email({ message: 'must be an email address' }).max(LIMITS.email).optional(),
});

export const TargetSchema = z.strictObject({
  type: text(LIMITS.targetType, 1),
  id: text(LIMITS.targetId, 1),
  name: text(LIMITS.targetName).optional(),
});

export const ContextSchema = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }).optional(),
  userAgent: text(LIMITS.userAgent).optional(),
  requestId: text(LIMITS.requestId).optional(),
});

/**
 * Checked as sent: `z.record` would silently drop a `__proto__` key before the check could
 * refuse it, and stored metadata must be exactly what the caller sent.
 */
export const MetadataSchema = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    message: 'must be a JSON object',
  })
  // A check in code has no JSON Schema of its own: this is how the OpenAPI document shows it
  // (set before the refinement, which zod-openapi would otherwise report as unrepresentable).
  .meta({
    override: {
      type: 'object',
      additionalProperties: true,
      description: `Any JSON object: at most ${LIMITS.metadataBytes} bytes as JSON, ${LIMITS.metadataDepth} levels deep, ${LIMITS.metadataKeysPerObject} keys per object, keys of at most ${LIMITS.metadataKeyLength} characters, arrays of at most ${LIMITS.metadataArrayItems} items.`,
    },
  })
  .superRefine((value, ctx) => {
    for (const issue of checkMetadata(value, [])) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant, e.g. 2026-11-30T05:00:00Z' });

/** The fields of one event as a caller sends it; API inputs add their own (e.g. `workspaceId`). */
export const RecordEventFields = {
  category: CategorySchema,
  action: text(64, 1),
  actor: ActorSchema,
  target: TargetSchema.optional(),
  description: text(LIMITS.description).nullable().optional(),
  metadata: MetadataSchema.optional(),
  occurredAt: isoInstant.optional(),
  context: ContextSchema.optional(),
  // `auto:` marks the keys the service makes up for events sent without one.
  idempotencyKey: text(LIMITS.idempotencyKey, 1)
    .refine((k) => !k.startsWith('auto:'), { message: 'must not start with "auto:" (reserved)' })
    .optional(),
};

/** Refuses a category/action pair outside the catalogue, naming the actions that exist. */
export function checkCatalogue(e: { category: string; action: string }, ctx: z.RefinementCtx): void {
  if ((SYSTEM_CATEGORIES as readonly string[]).includes(e.category)) {
    ctx.addIssue({
      code: 'custom',
      path: ['category'],
      message: `"${e.category}" is recorded by the service itself and cannot be sent (recordable: ${RECORDABLE_CATEGORIES.join(', ')})`,
    });
    return;
  }
  if (!isCatalogued(e.category, e.action)) {
    const known = Object.hasOwn(CATALOGUE, e.category) ? CATALOGUE[e.category as Category].join(', ') : '';
    ctx.addIssue({
      code: 'custom',
      path: ['action'],
      message: `"${e.action}" is not an action of category "${e.category}" (known: ${known})`,
    });
  }
}

/** What a caller sends to record one event. */
export const RecordEventInputSchema = z.strictObject(RecordEventFields).superRefine(checkCatalogue);
export type RecordEventInput = z.infer<typeof RecordEventInputSchema>;

/** A stored event as the API returns it. */
export const AuditEventSchema = z.object({
  id: idSchema('event'),
  workspaceId: idSchema('workspace'),
  organizationId: idSchema('organization'),
  seq: z.number().int().positive(),
  category: CategorySchema,
  action: z.string(),
  actor: ActorSchema,
  target: TargetSchema.nullable(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
  recordedAt: z.string(),
  context: ContextSchema,
  idempotencyKey: z.string().nullable(),
  /** SHA-256 of the event's canonical form (see integrity/event-hash.ts); null on events stored before hashing. */
  hash: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** `occurredAt` may lag arbitrarily (imports, late pipelines) but not lead the server clock. */
export function checkOccurredAt(occurredAt: Date, now: Date): string | null {
  if (occurredAt.getTime() - now.getTime() > LIMITS.futureSkewMs) {
    return `must not be more than ${LIMITS.futureSkewMs / 60000} minutes in the future`;
  }
  if (occurredAt.getUTCFullYear() < 2000) return 'must not be before the year 2000';
  return null;
}
