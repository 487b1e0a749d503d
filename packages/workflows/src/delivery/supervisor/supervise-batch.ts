import type { Store, StreamDoc, WorkspaceDoc } from '@audit/store';
import type { DeliveryObserver } from '../../observer.ts';
import { newLiveStream } from '../stream-activities.ts';
import type { StreamWaker } from '../stream-waker.ts';
import type { SupervisorSettings } from './supervisor-settings.ts';
import type { SupervisorCounts } from './supervisor-types.ts';
import { standingOf } from './stream-standing.ts';

export interface SupervisorDeps {
  store: Store;
  clock: () => Date;
  waker: Pick<StreamWaker, 'ensure'>;
  observer: Pick<DeliveryObserver, 'streamPosition'>;
  settings: SupervisorSettings;
  /** Told of progress after each destination: an activity heartbeats with it. */
  beat: (progress: SupervisorCounts) => void;
}

export interface HookRef {
  _id: string;
  workspaceId: string;
}

/**
 * Looks at the streams of these enabled destinations, loaded together (two queries however many
 * there are). A missing stream document is created at the end of its workspace's log, a stream
 * idle behind its workspace is woken, and with `every` each stream's workflow is made sure to run
 * (a no-op start when it does). `known` saves reading workspaces the caller already holds.
 */
export async function superviseBatch(
  deps: SupervisorDeps,
  hooks: HookRef[],
  every: boolean,
  counts: SupervisorCounts,
  known?: Map<string, WorkspaceDoc>,
): Promise<void> {
  if (hooks.length === 0) return;
  const { store } = deps;
  const streams = await store.streams.findMany(hooks.map((h) => ({ workspaceId: h.workspaceId, id: h._id })));
  const workspaces = known ?? (await store.workspaces.findMany(hooks.map((h) => h.workspaceId)));
  await markHasEnabled(store, hooks, workspaces);
  const lastSeqs = await store.streamHeads.lastSeqs([...workspaces.values()]);
  const now = deps.clock();
  for (const hook of hooks) {
    counts.destinations++;
    deps.beat(counts);
    const stored = streams.get(hook._id) ?? null;
    const stream = stored ?? (await createMissing(store, hook, now));
    const ws = workspaces.get(hook.workspaceId) ?? null;
    const standing = standingOf(stream, ws, lastSeqs.get(hook.workspaceId) ?? 0, now, deps.settings.behindAfterMs);
    // Refreshes this worker's view of streams whose steps may run on another worker; the age of
    // the oldest event is only known to a step.
    if (standing.backlog !== null) {
      deps.observer.streamPosition({
        webhookId: hook._id,
        backlogEvents: standing.backlog,
        oldestPendingAt: undefined,
      });
    }
    if (every || standing.behind || !stored) await ensure(deps, hook, standing.behind, counts);
  }
}

/** A destination from before streams existed: it starts from now. */
async function createMissing(store: Store, hook: HookRef, now: Date): Promise<StreamDoc | null> {
  await store.streams.create(await newLiveStream(store, hook, now));
  return store.streams.find(hook.workspaceId, hook._id);
}

async function ensure(deps: SupervisorDeps, hook: HookRef, behind: boolean, counts: SupervisorCounts): Promise<void> {
  try {
    counts.ensured++;
    await deps.waker.ensure({ workspaceId: hook.workspaceId, webhookId: hook._id }, behind ? 'wake' : null);
    if (behind) counts.woken++;
  } catch {
    counts.failed++;
  }
}

/**
 * A workspace with an enabled destination must not tell the record path it has none: a flag left
 * stale by two racing changes (or never set, on a workspace older than it) is set here.
 */
async function markHasEnabled(store: Store, hooks: HookRef[], workspaces: Map<string, WorkspaceDoc>): Promise<void> {
  for (const id of new Set(hooks.map((h) => h.workspaceId))) {
    const ws = workspaces.get(id);
    if (!ws || ws.hasEnabledWebhooks === true) continue;
    await store.workspaces.setHasEnabledWebhooks(id, true);
    ws.hasEnabledWebhooks = true;
  }
}
