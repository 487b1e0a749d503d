import type { Collection, Db } from 'mongodb';
import { minuteOf } from '../change-minute.ts';
import type { WorkspaceDoc } from '../documents.ts';
import { isDuplicateKey } from '../mongo.ts';

/**
 * Where a workspace's stream log ends, as last written: the next writer's first guess, the
 * backlog a stream's position is measured against, and when the workspace last recorded events
 * (the stream supervisor's look at recently active workspaces). The chain of claims is the truth;
 * a head may lag it, never pass it, since it is written after the claim it names.
 *
 * A document of its own, not fields of the workspace: FerretDB's updates are not isolated, so a
 * head written beside a plan change could write the workspace back as it was before the change.
 */
export interface StreamHeadDoc {
  /** The workspace's id. */
  _id: string;
  /** The last `seq` of the last claim written. */
  eventSeq: number;
  lastEventAt: Date;
  /** `lastEventAt`'s minute, for look-ups by the minutes of a window (see change-minute.ts). */
  eventsIn: string;
}

/**
 * A workspace's head is written at most this often by one process: a head only has to be close,
 * and a write per recorded call would be a third write on every call's way (see advance).
 */
export const HEAD_WRITE_SPACING_MS = 250;

interface Pending {
  last: number;
  at: Date;
}

export class StreamHeadsStore {
  readonly col: Collection<StreamHeadDoc>;
  private readonly pending = new Map<string, Pending>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    db: Db,
    private readonly onWriteError: (err: unknown) => void = () => {},
    private readonly spacingMs = HEAD_WRITE_SPACING_MS,
  ) {
    this.col = db.collection<StreamHeadDoc>('stream_heads');
  }

  /**
   * Moves the head past a claim, without waiting: the caller answers its client first. Writes of
   * one workspace are coalesced (one in flight, then the latest, no sooner than `spacingMs` after
   * the previous one began). A head that is never written (the process ended) only makes the next
   * writer's first guess collide with the claims after it and walk them.
   */
  advance(workspaceId: string, last: number, at: Date): void {
    const known = this.pending.get(workspaceId);
    if (!known || last > known.last)
      this.pending.set(workspaceId, { last, at: known && known.at > at ? known.at : at });
    if (!this.writing.has(workspaceId)) this.writing.set(workspaceId, this.drain(workspaceId));
  }

  /** Waits for every head this process has yet to write (tests, and a clean shutdown). */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
  }

  get(workspaceId: string): Promise<StreamHeadDoc | null> {
    return this.col.findOne({ _id: workspaceId });
  }

  /**
   * The last `seq` claimed in each workspace, by its head; a workspace stored before heads
   * existed keeps it in its own document until its next claim. Each by `_id`, FerretDB's index.
   */
  async lastSeqs(workspaces: Pick<WorkspaceDoc, '_id' | 'eventSeq'>[]): Promise<Map<string, number>> {
    const heads = await Promise.all(workspaces.map((ws) => this.get(ws._id)));
    return new Map(workspaces.map((ws, i) => [ws._id, heads[i]?.eventSeq ?? ws.eventSeq ?? 0]));
  }

  /**
   * Heads moved at or after `since`, found by the minutes of the window (from `since`'s on),
   * keyset on (`lastEventAt`, `_id`): the stream supervisor's look at streams that may have
   * slept through a wake-up.
   */
  pageMovedSince(minutes: string[], since: Date, after: { at: Date; id: string } | null, limit: number) {
    const time = after
      ? { $or: [{ lastEventAt: { $gt: after.at } }, { lastEventAt: after.at, _id: { $gt: after.id } }] }
      : { lastEventAt: { $gte: since } };
    const found = this.col.find({ eventsIn: { $in: minutes }, ...time });
    return found.sort({ lastEventAt: 1, _id: 1 }).limit(limit).toArray();
  }

  private async drain(workspaceId: string): Promise<void> {
    try {
      for (;;) {
        const next = this.pending.get(workspaceId);
        if (!next) return;
        this.pending.delete(workspaceId);
        const started = Date.now();
        await this.write(workspaceId, next).catch(this.onWriteError);
        const wait = this.spacingMs - (Date.now() - started);
        if (wait > 0 && this.pending.has(workspaceId)) await new Promise((r) => setTimeout(r, wait));
      }
    } finally {
      this.writing.delete(workspaceId);
    }
  }

  private async write(workspaceId: string, p: Pending): Promise<void> {
    const moved = { eventSeq: p.last, lastEventAt: p.at, eventsIn: minuteOf(p.at) };
    try {
      await this.col.updateOne({ _id: workspaceId }, { $max: moved }, { upsert: true });
    } catch (err) {
      // Another process inserted the first head meanwhile: it exists now, so update it.
      if (!isDuplicateKey(err)) throw err;
      await this.col.updateOne({ _id: workspaceId }, { $max: moved });
    }
  }
}
