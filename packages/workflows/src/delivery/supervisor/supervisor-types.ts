/** What a supervisor pass or a page of the hourly walk did: counts only, never ids. */
export interface SupervisorCounts {
  /** Enabled destinations whose stream was looked at. */
  destinations: number;
  /** Temporal calls made: a start (a no-op when the stream runs) or a wake-up. */
  ensured: number;
  woken: number;
  /** Temporal calls that failed. */
  failed: number;
}

/** One incremental pass. */
export interface SupervisorReport extends SupervisorCounts {
  /** Start of the window looked at (ISO); null on the first pass. */
  since: string | null;
  /** A walk of every enabled destination: the first pass, or one after a long time without a clean pass. */
  full: boolean;
  /** Destinations written in the window (created, edited, enabled or disabled). */
  changed: number;
  /** Workspaces that recorded events in the window. */
  workspaces: number;
}

/** One page of the hourly walk of every enabled destination. */
export interface ReconcilePage extends SupervisorCounts {
  /** Where the next page starts; null after the last. */
  nextAfterId: string | null;
}

/** A whole walk, over however many runs it continued as new. */
export interface ReconcileReport extends SupervisorCounts {
  pages: number;
}

export function emptyCounts(): SupervisorCounts {
  return { destinations: 0, ensured: 0, woken: 0, failed: 0 };
}
