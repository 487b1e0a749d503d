import { z } from 'zod';
import { AuditEventSchema, type AuditEvent } from '@audit/shared';
import type { Same } from '../trpc/same-type.ts';
import type { ListPage } from './events-service.ts';

/**
 * Metadata as stored, passed through untouched: `z.record` would rebuild the object (and drop a
 * `__proto__` key), and a returned event must carry exactly what was sent.
 */
const StoredMetadata = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  .meta({ override: { type: 'object', additionalProperties: true } });

export const EventOutput = AuditEventSchema.extend({ metadata: StoredMetadata }).meta({ id: 'AuditEvent' });

export const RecordBatchOutput = z.object({ events: z.array(EventOutput).meta({ description: 'In the order sent.' }) });

export const ListPageOutput = z
  .object({
    items: z.array(EventOutput.extend({ workspaceName: z.string(), hasMetadata: z.boolean() })),
    nextCursor: z.string().nullable().meta({ description: 'Older rows; null on the last page.' }),
    prevCursor: z.string().nullable().meta({ description: 'Newer rows; null on the first page.' }),
    workspaces: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: 'EventPage' });

true satisfies Same<z.output<typeof EventOutput>, AuditEvent>;
true satisfies Same<z.output<typeof ListPageOutput>, ListPage>;
