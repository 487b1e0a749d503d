import { createTRPCClient, httpLink } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// Types only: the client carries no code of the server, only the shape of its procedures.
import type { AppRouter } from '@audit/api';
import { LIMITS } from '@audit/shared/limits';
import { chunks, withIdempotencyKey } from './batches.ts';
import { DEFAULT_RETRY, retryingFetch, type RetryOptions } from './retrying-fetch.ts';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type RecordEvent = Omit<Inputs['events']['record'], 'workspaceId'>;
export type AuditEvent = Outputs['events']['record'];
export type ListInput = Inputs['events']['list'];
export type EventPage = Outputs['events']['list'];
export type Webhooks = {
  [P in keyof Inputs['webhooks']]: (input: Inputs['webhooks'][P]) => Promise<Outputs['webhooks'][P]>;
};

export interface AuditLogClientOptions {
  /** Where the API is, e.g. `https://audit.example.com`. */
  url: string;
  /** `atk_…`. */
  apiKey: string;
  /** Sent with every call that takes one; organization keys must name a workspace. */
  workspaceId?: string;
  /** Retries of 503s and dropped connections, and the budget for waiting out 429s (`rateLimitWaitMs`). */
  retry?: Partial<RetryOptions>;
  fetch?: typeof fetch;
}

/** Some chunks of a batch were recorded, then one failed: retry `remaining`, whose keys are set. */
export class RecordBatchError extends Error {
  override readonly name = 'RecordBatchError';
  constructor(
    readonly recorded: AuditEvent[],
    readonly remaining: (RecordEvent & { idempotencyKey: string })[],
    override readonly cause: unknown,
  ) {
    super(
      `recorded ${recorded.length} events, then failed with ${remaining.length} left: ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

/**
 * A typed client of the audit log over /trpc. Writes always carry idempotency keys (made up per
 * event when the caller gave none), so retries on 503 and dropped connections, which it makes by
 * itself, never store an event twice. Every call, read or write, waits out the API's rate limits
 * (429 with `Retry-After`) up to `retry.rateLimitWaitMs` per call, then throws a TRPCClientError
 * whose cause is a RateLimitWaitExceeded.
 */
export function createAuditLogClient(options: AuditLogClientOptions) {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        fetch: retryingFetch(options.fetch ?? globalThis.fetch, retry),
        headers: () => ({ authorization: `Bearer ${options.apiKey}` }),
      }),
    ],
  });
  const scoped = <I extends object>(input: I): I & { workspaceId?: string } =>
    options.workspaceId && !('workspaceId' in input && input.workspaceId)
      ? { ...input, workspaceId: options.workspaceId }
      : input;

  async function recordBatch(events: readonly RecordEvent[]): Promise<AuditEvent[]> {
    const keyed = events.map(withIdempotencyKey);
    const recorded: AuditEvent[] = [];
    // One chunk after another: the log keeps the caller's order across chunks too.
    for (const chunk of chunks(keyed, LIMITS.batchSize)) {
      try {
        recorded.push(...(await trpc.events.recordBatch.mutate(scoped({ events: chunk }))).events);
      } catch (err) {
        throw new RecordBatchError(recorded, keyed.slice(recorded.length), err);
      }
    }
    return recorded;
  }

  async function* list(input: ListInput = {}): AsyncGenerator<EventPage> {
    let cursor = input.cursor;
    do {
      const page = await trpc.events.list.query(scoped({ ...input, ...(cursor ? { cursor } : {}) }));
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  const w = trpc.webhooks;
  const webhooks: Webhooks = {
    create: (i) => w.create.mutate(scoped(i)),
    list: (i) => w.list.query(scoped(i)),
    get: (i) => w.get.query(scoped(i)),
    update: (i) => w.update.mutate(scoped(i)),
    delete: (i) => w.delete.mutate(scoped(i)),
    rotateSecret: (i) => w.rotateSecret.mutate(scoped(i)),
    test: (i) => w.test.mutate(scoped(i)),
    deliveries: (i) => w.deliveries.query(scoped(i)),
    redeliver: (i) => w.redeliver.mutate(scoped(i)),
    recover: (i) => w.recover.mutate(scoped(i)),
    replay: (i) => w.replay.mutate(scoped(i)),
  };

  return {
    /** One event; the same key on every retry. */
    record: (event: RecordEvent): Promise<AuditEvent> => trpc.events.record.mutate(scoped(withIdempotencyKey(event))),
    /** Any number of events, sent in order in chunks of the API's batch limit. */
    recordBatch,
    /** Every page of a search, newest first: `for await (const page of client.list({ q }))`. */
    list,
    /** One page: pass its `nextCursor` back as `cursor` for the next. */
    listPage: (input: ListInput = {}): Promise<EventPage> => trpc.events.list.query(scoped(input)),
    get: (id: string): Promise<AuditEvent> => trpc.events.get.query(scoped({ id })),
    retention: (): Promise<Outputs['retention']['status']> => trpc.retention.status.query(scoped({})),
    webhooks,
    /** The underlying tRPC client, for anything not wrapped here. */
    trpc,
  };
}

export type AuditLogClient = ReturnType<typeof createAuditLogClient>;
