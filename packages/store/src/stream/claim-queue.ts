/**
 * Turns per workspace in this process: a task starts once the one before it has finished, or has
 * held the workspace for its `holdMs`, whichever comes first. Claims take turns so that concurrent
 * ones do not collide and walk the chain (other processes are settled by the claim's unique `_id`:
 * the turns spare work, correctness does not rest on them), and the writes that finish claims take
 * theirs so that they do not contend with the next claim for SQLite's lock. The hold bounds the
 * wait when the database does not answer (an outage, where every call waits for the server): a
 * caller then waits for its own call, not for each one queued before it.
 */
export class ClaimQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(workspaceId: string, holdMs: number, task: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(workspaceId) ?? Promise.resolve()).then(task);
    const tail = heldFor(next, holdMs);
    this.tails.set(workspaceId, tail);
    void tail.then(() => {
      if (this.tails.get(workspaceId) === tail) this.tails.delete(workspaceId);
    });
    return next;
  }
}

/** Settles, never rejecting, when `p` does or after `ms`, whichever comes first. */
function heldFor(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const done = p.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}
