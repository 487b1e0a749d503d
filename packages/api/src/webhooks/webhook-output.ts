import { z } from 'zod';
import { CATEGORIES, WEBHOOK_FORMATS } from '@audit/shared';
import type { TestDeliveryResult } from '@audit/workflows/stream-types';
import type { Same } from '../trpc/same-type.ts';
import type { EventDeliveryState } from './deliveries-service.ts';
import type { DeliveryView, StreamView, WebhookView } from './webhook-view.ts';

const instant = z.string().meta({ format: 'date-time' });

const StreamViewOutput = z.object({
  state: z.enum(['running', 'retrying', 'paused', 'disabled']),
  deliveredThrough: z.object({ seq: z.number(), recordedAt: instant }).nullable(),
  backlog: z.number(),
  lagSeconds: z.number(),
  nextAttemptAt: instant.nullable(),
  lastDelivery: z
    .object({ at: instant, status: z.enum(['succeeded', 'failed', 'retrying']), responseStatus: z.number().nullable() })
    .nullable(),
});

export const WebhookOutput = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    headers: z.array(z.object({ name: z.string(), value: z.string().meta({ description: 'Masked.' }) })),
    categories: z.array(z.string()).meta({ description: `Empty means every category (${CATEGORIES.join(', ')}).` }),
    format: z.enum(WEBHOOK_FORMATS),
    batchSize: z.number(),
    compression: z.enum(['none', 'gzip']),
    enabled: z.boolean(),
    disabledReason: z.enum(['manual', 'gone', 'failing']).nullable(),
    disabledAt: instant.nullable(),
    secretHint: z.string(),
    previousSecretExpiresAt: instant.nullable(),
    failingSince: instant.nullable(),
    lastSuccessAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    stream: StreamViewOutput.nullable(),
  })
  .meta({ id: 'Webhook' });

const AttemptOutput = z.object({
  bytes: z.number(),
  attempt: z.number(),
  trigger: z.enum(['scheduled', 'manual']),
  status: z.enum(['succeeded', 'failed']),
  responseStatus: z.number().nullable(),
  responseBody: z.string().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  startedAt: instant,
  nextAttemptAt: instant.nullable(),
});

const DeliveryOutput = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    kind: z.enum(['stream', 'replay']),
    eventIds: z.array(z.string()),
    seqs: z.object({ first: z.number(), last: z.number() }),
    count: z.number(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attemptCount: z.number(),
    createdAt: instant,
    lastAttemptAt: instant.nullable(),
    nextAttemptAt: instant.nullable(),
    lastResponseStatus: z.number().nullable(),
    lastError: z.string().nullable(),
    attempts: z.array(AttemptOutput),
  })
  .meta({ id: 'Delivery' });

const EventDeliveryStateOutput = z.object({
  eventId: z.string(),
  seq: z.number(),
  state: z.enum(['delivered', 'failed', 'pending', 'sending', 'not matched']),
  deliveryId: z.string().nullable(),
});

export const WebhookWithSecretOutput = z.object({
  webhook: WebhookOutput,
  secret: z.string().meta({ description: 'Shown once.' }),
});
export const WebhookListOutput = z.object({ items: z.array(WebhookOutput) });
export const WebhookDeletedOutput = z.object({ id: z.string(), deleted: z.literal(true) });
export const RotatedSecretOutput = WebhookWithSecretOutput.extend({ previousSecretExpiresAt: instant });
export const DeliveriesPageOutput = z.object({
  items: z.array(DeliveryOutput),
  nextCursor: z.string().nullable(),
  event: EventDeliveryStateOutput.optional(),
});
export const RedeliverOutput = z.object({ deliveryId: z.string(), workflowId: z.string() });
export const RecoverOutput = z.object({ redelivered: z.number(), deliveryIds: z.array(z.string()), more: z.boolean() });
export const ReplayOutput = z.object({
  replayId: z.string(),
  workflowId: z.string(),
  fromSeq: z.number(),
  untilSeq: z.number().nullable(),
});
export const TestDeliveryOutput = z.object({
  ok: z.boolean(),
  responseStatus: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  responseBody: z.string().nullable(),
});

true satisfies Same<z.output<typeof StreamViewOutput>, StreamView>;
true satisfies Same<z.output<typeof WebhookOutput>, WebhookView>;
true satisfies Same<z.output<typeof DeliveryOutput>, DeliveryView>;
true satisfies Same<z.output<typeof EventDeliveryStateOutput>, EventDeliveryState>;
true satisfies Same<z.output<typeof TestDeliveryOutput>, TestDeliveryResult>;
