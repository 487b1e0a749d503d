import { z } from 'zod';
import { CATEGORIES, CategorySchema, idSchema, LIMITS, SEARCH_LIMITS } from '@audit/shared';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant, e.g. 2026-11-30T05:00:00Z' });

/** What selects events, shared by `events.list` and the export so that both find the same rows. */
export const SearchFields = {
  scope: z.enum(['workspace', 'organization']).optional(),
  workspaceId: idSchema('workspace').optional(),
  q: z
    .string()
    .max(SEARCH_LIMITS.queryLength, { message: `must be at most ${SEARCH_LIMITS.queryLength} characters` })
    .optional(),
  categories: z
    .array(CategorySchema)
    .max(CATEGORIES.length, { message: `must hold at most ${CATEGORIES.length} categories` })
    .optional(),
  /** Recorded at or after (inclusive). */
  from: instant.optional(),
  /** Recorded before (exclusive). */
  to: instant.optional(),
};

export const SearchInputSchema = z.strictObject(SearchFields);
export type SearchInput = z.infer<typeof SearchInputSchema>;

export const ListInputSchema = z.strictObject({
  ...SearchFields,
  limit: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.pageSize, { message: `must be at most ${LIMITS.pageSize}` })
    .default(50),
  cursor: z.string().max(200).optional(),
});
export type ListInput = z.infer<typeof ListInputSchema>;
