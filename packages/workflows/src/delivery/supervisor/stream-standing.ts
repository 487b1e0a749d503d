import { hasEntitlement } from '@audit/shared';
import type { StreamDoc, WorkspaceDoc } from '@audit/store';

export interface Standing {
  /** Idle (or never stepped) while its workspace has events at or after its position. */
  behind: boolean;
  /** Events after its position, when the workspace streams at all; null otherwise. */
  backlog: number | null;
}

/**
 * How a live stream stands against its workspace. A stream that went idle less than
 * `behindAfterMs` ago is left alone: the wake-up for the events that followed may be on its way.
 */
export function standingOf(
  stream: StreamDoc | null,
  ws: WorkspaceDoc | null,
  lastSeq: number,
  now: Date,
  behindAfterMs: number,
): Standing {
  if (!stream || !ws || !hasEntitlement(ws.plan, 'webhooks')) return { behind: false, backlog: null };
  const pending = lastSeq >= stream.next.seq;
  const sleepingLong = stream.idleSince === null || now.getTime() - stream.idleSince.getTime() > behindAfterMs;
  return { behind: pending && sleepingLong, backlog: Math.max(0, lastSeq - stream.next.seq + 1) };
}
