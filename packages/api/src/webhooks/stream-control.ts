import type { WebhookDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { wakerFor } from './stream-waker.ts';

/** A hung Temporal must not hold a settings change: past this the supervisor takes over. */
const WAKE_TIMEOUT_MS = 2_000;

/**
 * After a destination changes: an enabled one's stream is started or woken (a backfill starts at
 * once); a disabled or deleted one's stream wakes, sees it, and ends. Never fails the change:
 * with Temporal down, the supervisor does the same within a minute of its return.
 */
export async function wakeStream(
  deps: ApiDeps,
  hook: Pick<WebhookDoc, '_id' | 'workspaceId'>,
  signal: 'wake' | 'retryNow' = 'wake',
): Promise<void> {
  const temporal = deps.temporal;
  if (!temporal) return;
  try {
    await temporal.connection.withDeadline(Date.now() + WAKE_TIMEOUT_MS, () =>
      wakerFor(deps).ensure({ workspaceId: hook.workspaceId, webhookId: hook._id }, signal),
    );
  } catch (err) {
    deps.log.warn(
      { webhookId: hook._id, error: err instanceof Error ? err.message : String(err) },
      'could not wake the destination stream; the supervisor will',
    );
  }
}
