import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PerWorkspaceActivities } from './purge-per-workspace.ts';

/** The same timeouts and retries as the product's purge. */
const acts = proxyActivities<PerWorkspaceActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 20 },
});

const PAGE = 100;
const MAX_HISTORY = 5_000;

/**
 * The purge's walk before page calls, the baseline of the daily-pass benchmark: a page of
 * workspace ids per activity call, then at least one slice call per workspace.
 */
export interface PerWorkspaceInput {
  runId: string;
  asOf: string;
  afterId?: string | null;
  /** Activity calls of the runs before this one (the walk continues as new). */
  calls?: number;
}

export async function perWorkspacePurge(input: PerWorkspaceInput): Promise<{ calls: number }> {
  const { runId, asOf } = input;
  let after = input.afterId ?? null;
  let calls = input.calls ?? 0;
  for (;;) {
    const ids = await acts.listWorkspaceIds({ afterId: after, limit: PAGE });
    calls++;
    for (const workspaceId of ids) {
      for (let done = false; !done; calls++) ({ done } = await acts.purgeWorkspaceSlice({ runId, workspaceId, asOf }));
      after = workspaceId;
    }
    if (ids.length < PAGE) return { calls };
    if (workflowInfo().historyLength > MAX_HISTORY) {
      await continueAsNew<typeof perWorkspacePurge>({ ...input, afterId: after, calls });
    }
  }
}
