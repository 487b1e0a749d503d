import { newId, searchTokens, type RecordEventInput } from '@audit/shared';
import type { NewEvent, Store } from '@audit/store';
import { fmt, lanes } from '../harness.ts';
import { historyEvent } from './history-events.ts';
import { NEEDLE } from './vocabulary.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Every seeded workspace's history covers the past year, oldest first, as it was recorded. */
export const HISTORY_SPAN_MS = 365 * DAY_MS;

export interface SeedTarget {
  workspaceId: string;
  organizationId: string;
  count: number;
}

/** The document the API would store for the event, recorded at `at`. */
type Tenant = { workspaceId: string; organizationId: string };

export function storedEvent(e: RecordEventInput, ws: Tenant, at: Date): NewEvent {
  const id = newId('event', at.getTime());
  return {
    _id: id,
    workspaceId: ws.workspaceId,
    organizationId: ws.organizationId,
    category: e.category,
    action: e.action,
    actor: e.actor,
    target: e.target ?? null,
    description: e.description ?? null,
    metadata: e.metadata ?? {},
    occurredAt: at,
    recordedAt: at,
    context: e.context ?? {},
    idempotencyKey: null,
    idem: `auto:${id}`,
    tokens: searchTokens(e),
  };
}

/** When event `i` of a history of `count` was recorded: evenly over the span, ending at `end`. */
export function recordedAtOf(i: number, count: number, end: number): Date {
  return new Date(end - HISTORY_SPAN_MS + Math.floor(((i + 1) / count) * HISTORY_SPAN_MS) - 1);
}

/**
 * Seeds every target through the store's insert path (`insertForWorkspace`: the stream-log claim,
 * the hash, the insert), the data layer the API records through, in batches from several lanes.
 * Returns the wall time in ms.
 */
export async function seedThroughStore(
  store: Store,
  targets: SeedTarget[],
  o: { end: number; batch: number; lanes: number; log: (l: string) => void },
): Promise<number> {
  const batchesOf = (t: SeedTarget, w: number) =>
    Array.from({ length: Math.ceil(t.count / o.batch) }, (_, k) => ({ t, w, from: k * o.batch }));
  const tasks = targets.flatMap(batchesOf);
  // Interleaved, so every workspace grows at once, as a shared collection does.
  tasks.sort((a, b) => a.from - b.from || a.w - b.w);
  const total = targets.reduce((s, t) => s + t.count, 0);
  let done = 0;
  let nextReport = Date.now() + 10_000;
  const started = performance.now();
  const ms = await lanes(o.lanes, tasks.length, async (k) => {
    const { t, w, from } = tasks[k]!;
    const n = Math.min(o.batch, t.count - from);
    const docs = Array.from({ length: n }, (_, j) => {
      const i = from + j;
      return storedEvent(historyEvent(i, w + 1), t, recordedAtOf(i, t.count, o.end));
    });
    await store.events.insertForWorkspace(t.workspaceId, docs);
    done += n;
    if (Date.now() >= nextReport) {
      nextReport = Date.now() + 10_000;
      o.log(`  seeded ${fmt(done)} of ${fmt(total)} (${fmt(done / ((performance.now() - started) / 1000))} events/s)`);
    }
  });
  return ms;
}

/** The one event holding NEEDLE, in the middle of the workspace's history. */
export async function insertNeedle(store: Store, ws: Tenant, end: number): Promise<void> {
  const e: RecordEventInput = {
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_needle', name: 'Needle Finder', email: 'needle@example.com' },
    target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod-vpc' },
    description: `Locked prod-vpc during the ${NEEDLE} incident`,
    metadata: { ticket: 'INC-42' },
  };
  await store.events.insertForWorkspace(ws.workspaceId, [storedEvent(e, ws, new Date(end - HISTORY_SPAN_MS / 2 + 1))]);
}
