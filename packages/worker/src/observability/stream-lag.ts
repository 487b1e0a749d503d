import type { StreamPosition } from '@audit/workflows';

interface Entry {
  backlogEvents: number;
  oldestPendingAt: Date | null;
  seenAt: number;
}

export interface LagSummary {
  /** Age of the oldest undelivered event over all destinations, in seconds (0 when none is known). */
  maxLagSeconds: number;
  maxBacklogEvents: number;
  totalBacklogEvents: number;
  /** Destinations with events after their position. */
  behind: number;
}

/** An entry not refreshed this long (its stream moved to another worker, or went) is dropped. */
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * This worker's latest view of each live stream, summed up at scrape time. It is keyed by
 * destination in memory only: the exported gauges are aggregates, so their label set stays
 * fixed however many destinations the tenants create. Each entry is refreshed by the stream's
 * steps, by the supervisor's passes for workspaces with new events (the only ones whose backlog
 * grows) and by the hourly walk; several workers each export their own view, which a `max()`
 * across instances joins.
 */
export class StreamLagTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  report(p: StreamPosition): void {
    const previous = this.entries.get(p.webhookId);
    // Undefined: the step did not read the events, so the last known age stands.
    const oldest =
      p.backlogEvents === 0
        ? null
        : p.oldestPendingAt === undefined
          ? (previous?.oldestPendingAt ?? null)
          : p.oldestPendingAt;
    this.entries.set(p.webhookId, { backlogEvents: p.backlogEvents, oldestPendingAt: oldest, seenAt: this.now() });
  }

  forget(webhookId: string): void {
    this.entries.delete(webhookId);
  }

  summary(): LagSummary {
    const now = this.now();
    const out: LagSummary = { maxLagSeconds: 0, maxBacklogEvents: 0, totalBacklogEvents: 0, behind: 0 };
    for (const [id, e] of this.entries) {
      if (now - e.seenAt > FORGET_AFTER_MS) {
        this.entries.delete(id);
        continue;
      }
      if (e.backlogEvents > 0) out.behind++;
      out.totalBacklogEvents += e.backlogEvents;
      out.maxBacklogEvents = Math.max(out.maxBacklogEvents, e.backlogEvents);
      if (e.oldestPendingAt)
        out.maxLagSeconds = Math.max(out.maxLagSeconds, (now - e.oldestPendingAt.getTime()) / 1000);
    }
    return out;
  }
}
