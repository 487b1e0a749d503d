import type { ClaimQueue } from './claim-queue.ts';
import type { Claim, FinishedClaim, StreamLogStore } from './stream-log-store.ts';

/**
 * At most one hint write per workspace in this window (from this process), the trailing one
 * covering every claim before it. Far inside what its readers allow for: the stream supervisor
 * looks back at least 6 s, the sealer checks the chain itself (StreamLogStore.hasClaimAt).
 */
export const HINT_EVERY_MS = 250;

/**
 * How long a flush holds the workspace's next claim back at most: enough for its write on a
 * healthy database; a slow one (an outage: every call waits for the server) must not stall
 * claims behind writes no caller waits for.
 */
const HOLD_QUEUE_MS = 50;

type Hint = FinishedClaim['claim'];

const further = (a: Hint | null, b: Hint): Hint => (a && a.last >= b.last ? a : b);

interface WorkspaceState {
  /** Claims waiting for the next flush of commit marks (one is scheduled while any wait). */
  claims: FinishedClaim[];
  /** The furthest claim the stored hint does not cover yet. */
  hint: Hint | null;
  /** Set while a hint written lately holds the next one back; it writes the trailing one. */
  timer: NodeJS.Timeout | null;
}

/**
 * The writes that follow a claim once its events are stored, made after the caller has its
 * answer: the claim's commit mark, and the workspace's hint moved past it. Neither is needed for
 * the events to be stored, found or streamed (readers follow the chain and roll a claim without a
 * mark forward after the grace period, moving the hint as they do), and on FerretDB every write
 * is a SQLite transaction of its own, the hint's an update that also rewrites index entries.
 *
 * The writes of a workspace take turns in its claim queue, so in this process they do not contend
 * with the next claim for SQLite's lock (a writer that finds it taken sleeps at least a
 * millisecond). Claims finished while a flush waits share its marks' write; the hint is written at
 * most once per HINT_EVERY_MS.
 */
export class ClaimFinisher {
  private readonly states = new Map<string, WorkspaceState>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly log: StreamLogStore,
    private readonly queue: ClaimQueue,
  ) {}

  add(claim: Claim, unused: number[]): void {
    const ws = claim.workspaceId;
    let state = this.states.get(ws);
    if (!state) {
      state = { claims: [], hint: null, timer: null };
      this.states.set(ws, state);
    }
    state.hint = further(state.hint, claim);
    state.claims.push({ claim, unused });
    // After the caller's answer is on its way: the flush's own round trips do not delay it.
    if (state.claims.length === 1) this.track(new Promise((r) => setImmediate(r)).then(() => this.flush(ws)));
  }

  /** Resolves once every claim added so far is finished or given up; held-back hints go now (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      for (const [ws, state] of this.states) {
        if (state.timer) this.writeTrailingHint(ws, state);
      }
      if (this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight]);
    }
  }

  private flush(workspaceId: string): Promise<void> {
    return this.inTurn(workspaceId, async () => {
      const state = this.states.get(workspaceId);
      if (!state) return;
      const done = state.claims;
      state.claims = [];
      try {
        await this.log.commitAll(done, new Date());
      } finally {
        if (!state.timer) await this.writeHint(workspaceId, state);
      }
    });
  }

  private inTurn(workspaceId: string, write: () => Promise<void>): Promise<void> {
    return this.queue.run(workspaceId, HOLD_QUEUE_MS, write);
  }

  /** Writes the pending hint, and holds the next one back for HINT_EVERY_MS. */
  private async writeHint(workspaceId: string, state: WorkspaceState): Promise<void> {
    const hint = state.hint;
    state.hint = null;
    state.timer = setTimeout(() => this.writeTrailingHint(workspaceId, state), HINT_EVERY_MS);
    state.timer.unref();
    if (!hint) return;
    try {
      await this.log.advanceHint(hint);
    } catch (err) {
      // The trailing write tries again.
      state.hint = further(state.hint as Hint | null, hint);
      throw err;
    }
  }

  private writeTrailingHint(workspaceId: string, state: WorkspaceState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    if (state.hint) {
      // Unless a flush wrote it meanwhile (and holds the next one back itself).
      const write = () => (state.timer ? Promise.resolve() : this.writeHint(workspaceId, state));
      this.track(this.inTurn(workspaceId, write));
    } else if (state.claims.length === 0 && this.states.get(workspaceId) === state) {
      // Quiet for a whole window: the next claim's hint goes out at once.
      this.states.delete(workspaceId);
    }
  }

  /** A failed write (a blip) leaves its claims to the readers' roll-forward, as a crash would. */
  private track(p: Promise<void>): void {
    const settled = p.catch(() => undefined).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }
}
