import { hasEntitlement } from '@audit/shared';
import { minutesBetween, type WebhookDoc } from '@audit/store';
import { superviseBatch, type SupervisorDeps } from './supervise-batch.ts';
import type { ReconcilePage, SupervisorReport } from './supervisor-types.ts';
import { emptyCounts } from './supervisor-types.ts';

const PAGE = 200;
/** Writers' clocks may run this far ahead of the worker's and still be in the window. */
const AHEAD_MS = 60_000;
/**
 * A longer window (no clean pass for that long, or none yet) is a walk of every destination
 * instead. Below 100 minutes, the `$in` FerretDB still hands to its index.
 */
export const MAX_WINDOW_MINUTES = 90;

interface Window {
  since: Date;
  minutes: string[];
}

/**
 * One incremental pass: the destinations written, and the workspaces that recorded events, since
 * shortly before the previous clean pass began (found through indexes), instead of every
 * destination. Changed enabled destinations get their stream made sure to run; the enabled
 * destinations of active workspaces are woken only when idle behind. A pass where a Temporal
 * call failed keeps its window, so the next one looks at the same changes again.
 */
export async function supervisePass(deps: SupervisorDeps): Promise<SupervisorReport> {
  const startedAt = deps.clock();
  const last = await deps.store.supervisor.lastCleanPass();
  const since = last ? new Date(last.getTime() - deps.settings.lookbackMs) : null;
  const window = since ? { since, minutes: minutesBetween(since, new Date(startedAt.getTime() + AHEAD_MS)) } : null;
  const full = !window || window.minutes.length > MAX_WINDOW_MINUTES;
  const report: SupervisorReport = {
    since: since?.toISOString() ?? null,
    full,
    changed: 0,
    workspaces: 0,
    ...emptyCounts(),
  };
  if (!window || full) await walkAll(deps, report);
  else {
    // Each destination is looked at once per pass, also when it both changed and had new events.
    const seen = new Set<string>();
    await changedDestinations(deps, window, report, seen);
    await activeWorkspaces(deps, window, report, seen);
  }
  if (report.failed === 0) await deps.store.supervisor.saveCleanPass(startedAt, deps.clock());
  return report;
}

async function walkAll(deps: SupervisorDeps, report: SupervisorReport): Promise<void> {
  for (let after: string | null = null; ;) {
    const page = await reconcilePage(deps, after);
    for (const k of ['destinations', 'ensured', 'woken', 'failed'] as const) report[k] += page[k];
    if (page.nextAfterId === null) return;
    after = page.nextAfterId;
  }
}

type Keyset = { at: Date; id: string } | null;

async function changedDestinations(deps: SupervisorDeps, window: Window, report: SupervisorReport, seen: Set<string>) {
  for (let after: Keyset = null; ;) {
    const page: WebhookDoc[] = await deps.store.webhooks.pageChangedSince(window.minutes, window.since, after, PAGE);
    report.changed += page.length;
    const enabled = page.filter((h) => h.enabled && !seen.has(h._id));
    for (const h of enabled) seen.add(h._id);
    await superviseBatch(deps, enabled, true, report);
    await clearStaleFlags(
      deps,
      page.filter((h) => !h.enabled).map((h) => h.workspaceId),
    );
    if (page.length < PAGE) return;
    after = { at: page.at(-1)!.updatedAt, id: page.at(-1)!._id };
  }
}

async function activeWorkspaces(deps: SupervisorDeps, window: Window, report: SupervisorReport, seen: Set<string>) {
  for (let after: Keyset = null; ;) {
    const page = await deps.store.streamHeads.pageMovedSince(window.minutes, window.since, after, PAGE);
    report.workspaces += page.length;
    const workspaces = await deps.store.workspaces.findMany(page.map((head) => head._id));
    const streaming = [...workspaces.values()].filter((ws) => hasEntitlement(ws.plan, 'webhooks'));
    const enabled = await deps.store.webhooks.enabledOfWorkspaces(streaming.map((ws) => ws._id));
    const hooks = enabled.filter((h) => !seen.has(h._id));
    for (const h of hooks) seen.add(h._id);
    await superviseBatch(deps, hooks, false, report, new Map(streaming.map((ws) => [ws._id, ws])));
    if (page.length < PAGE) return;
    after = { at: page.at(-1)!.lastEventAt, id: page.at(-1)!._id };
  }
}

/** Workspaces of disabled destinations: one left with no enabled destination says so again. */
async function clearStaleFlags(deps: SupervisorDeps, workspaceIds: string[]): Promise<void> {
  if (workspaceIds.length === 0) return;
  const still = new Set((await deps.store.webhooks.enabledOfWorkspaces(workspaceIds)).map((h) => h.workspaceId));
  const none = await deps.store.workspaces.findMany(workspaceIds.filter((id) => !still.has(id)));
  for (const ws of none.values()) {
    if (ws.hasEnabledWebhooks !== false) await deps.store.workspaces.setHasEnabledWebhooks(ws._id, false);
  }
}

/**
 * One page of the hourly walk of every enabled destination, the safety net behind the passes
 * (a workflow lost from Temporal, a change whose timestamp fell outside every window).
 */
export async function reconcilePage(
  deps: SupervisorDeps,
  afterId: string | null,
  limit = PAGE,
): Promise<ReconcilePage> {
  const hooks = await deps.store.webhooks.pageEnabled(afterId, limit);
  const counts = emptyCounts();
  await superviseBatch(deps, hooks, true, counts);
  return { ...counts, nextAfterId: hooks.length < limit ? null : hooks.at(-1)!._id };
}
