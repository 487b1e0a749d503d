import { retentionCutoff, type Plan } from '@audit/shared';
import type { Store, WorkspaceDoc } from '@audit/store';
import { purgeWorkspace, type Expired, type PurgeDeps } from './purge-workspace.ts';

/** Every plan: the walk visits each workspace once, in id order. */
const PLANS: Plan[] = ['enterprise', 'team', 'free'];

/** Workspaces probed together: one query per part and cut-off answers a hundred workspaces. */
const PROBE_GROUP = 100;

export interface PageInput {
  runId: string;
  asOf: string;
  /** The last workspace a previous call finished; null at the start of the walk. */
  afterId: string | null;
  /** Workspaces read per call. */
  limit: number;
}

export interface PageResult {
  /** Where the next call starts: the last workspace this call finished. */
  afterId: string | null;
  /** Workspaces this call looked at (a retried call counts from where it resumed). */
  checked: number;
  /** The walk reached the last workspace and left nothing expired behind it. */
  done: boolean;
}

/**
 * One page of the walk from `walk.afterId`: workspaces are probed a hundred at a time, and those
 * holding something expired are purged in bounded batches; the others cost no delete at all. The
 * cut-off comes from each workspace's plan as it is now, so a downgrade counts from the next
 * purge on. `walk` moves past each workspace once it is done; the page ends early, before the
 * workspace being purged, when the call's batches are spent.
 */
export async function purgePage(
  deps: PurgeDeps,
  input: PageInput,
  walk: PageResult,
  beat: () => void,
): Promise<PageResult> {
  const page = await deps.store.workspaces.pageByPlan(PLANS, walk.afterId, input.limit);
  const budget = { batches: deps.pacing.batchesPerSlice };
  const asOf = new Date(input.asOf);
  for (let i = 0; i < page.length; i += PROBE_GROUP) {
    const group = page.slice(i, i + PROBE_GROUP).map((ws) => ({ ws, cutoff: retentionCutoff(ws.plan, asOf) }));
    const expired = await findExpired(deps.store, group);
    for (const { ws, cutoff } of group) {
      walk.checked++;
      const found = expired.get(ws._id)!;
      const target = { runId: input.runId, workspaceId: ws._id, cutoff };
      if ((found.events || found.dependents) && !(await purgeWorkspace(deps, target, found, budget, beat))) return walk;
      walk.afterId = ws._id;
      beat();
    }
  }
  return { ...walk, done: page.length < input.limit };
}

/**
 * What each workspace holds past its cut-off, by index probes: events, and the stream claims and
 * delivery records that follow them by their own timestamps (a delivery made after its events can
 * outlive them by a day, so a workspace with no expired event may still hold expired records).
 */
async function findExpired(store: Store, group: { ws: WorkspaceDoc; cutoff: Date }[]): Promise<Map<string, Expired>> {
  const byCutoff = new Map<number, string[]>();
  for (const { ws, cutoff } of group) {
    const ids = byCutoff.get(cutoff.getTime()) ?? [];
    byCutoff.set(cutoff.getTime(), [...ids, ws._id]);
  }
  const found = { events: new Set<string>(), dependents: new Set<string>() };
  await Promise.all(
    [...byCutoff].map(async ([at, ids]) => {
      const cutoff = new Date(at);
      const [events, claims, deliveries] = await Promise.all([
        store.events.workspacesWithExpired(ids, cutoff),
        store.streamLog.workspacesWithExpired(ids, cutoff),
        store.deliveries.workspacesWithExpired(ids, cutoff),
      ]);
      for (const id of events) found.events.add(id);
      for (const id of [...claims, ...deliveries]) found.dependents.add(id);
    }),
  );
  const of = (id: string): Expired => ({ events: found.events.has(id), dependents: found.dependents.has(id) });
  return new Map(group.map(({ ws }) => [ws._id, of(ws._id)]));
}
