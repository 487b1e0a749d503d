import { matchesCategories } from '@audit/shared/webhook-schema';
import type { EventDoc, StreamCursor, StreamLogStore } from '@audit/store';

/** How a batch is bounded: a format's limits and the destination's batch size. */
export interface BatchBounds {
  maxEvents: number;
  maxBodyBytes: number;
  entryBytes(event: EventDoc): number;
  bodyBytes(entrySizes: number[]): number;
}

export interface ReadOptions {
  workspaceId: string;
  categories: readonly string[];
  bounds: BatchBounds;
  /** Replays: nothing past this `seq`. */
  untilSeq: number | null;
  now: Date;
}

export interface ReadResult {
  events: EventDoc[];
  /** The claim the first event is in (retries read the batch again from there). */
  fromClaim: number;
  /** Where the reader stands after the events taken, and after every non-matching one it passed. */
  after: StreamCursor;
  /** Closed by count or bytes: send at once. */
  full: boolean;
  /** Stopped at a claim whose writer is still inserting: more will come shortly. */
  blocked: boolean;
  /** Reached `untilSeq` (replays). */
  reachedEnd: boolean;
}

/** A step reads at most this many claims, so one step stays short however sparse the filter. */
const MAX_CLAIMS_PER_READ = 2_000;

/**
 * The next batch after `cursor`, in `seq` order, through the destination's category filter,
 * closed at the batch size or before the body would pass its byte limit (an event that alone
 * passes it goes alone). Only final claims are read (see StreamLogStore.resolve), so an event a
 * slower writer has not finished inserting is waited for, never passed over.
 */
export async function readBatch(log: StreamLogStore, cursor: StreamCursor, opts: ReadOptions): Promise<ReadResult> {
  const events: EventDoc[] = [];
  const sizes: number[] = [];
  let fromClaim = cursor.claim;
  let cur = { ...cursor };
  const result = (extra: Partial<ReadResult>): ReadResult => ({
    events,
    fromClaim,
    after: cur,
    full: false,
    blocked: false,
    reachedEnd: false,
    ...extra,
  });
  for (let read = 0; read < MAX_CLAIMS_PER_READ; read++) {
    if (opts.untilSeq !== null && cur.seq > opts.untilSeq) return result({ reachedEnd: true });
    const r = await log.resolve(opts.workspaceId, cur.claim, opts.now);
    if (r === null) return result({});
    if (r === 'open') return result({ blocked: true });
    // The claim at the cursor was purged: the log resumes at the oldest claim left.
    if (r.claim.first !== cur.claim) cur = { claim: r.claim.first, seq: Math.max(cur.seq, r.claim.first) };
    for (const e of r.claim.events) {
      if (e.seq < cur.seq) continue;
      if (opts.untilSeq !== null && e.seq > opts.untilSeq) return result({ reachedEnd: true });
      if (r.unused.has(e.seq) || !matchesCategories(opts.categories, e.category)) {
        cur = { claim: cur.claim, seq: e.seq + 1 };
        continue;
      }
      const size = opts.bounds.entryBytes(e);
      if (events.length > 0 && opts.bounds.bodyBytes([...sizes, size]) > opts.bounds.maxBodyBytes)
        return result({ full: true });
      if (events.length === 0) fromClaim = cur.claim;
      events.push(e);
      sizes.push(size);
      cur = { claim: cur.claim, seq: e.seq + 1 };
      if (events.length >= opts.bounds.maxEvents) return result({ full: true, after: advancePast(cur, r.claim.last) });
    }
    cur = { claim: r.claim.last + 1, seq: r.claim.last + 1 };
  }
  return result({ full: events.length > 0 });
}

/** At a claim's end, the cursor names the next claim, so a resumed reader need not read this one again. */
function advancePast(cur: StreamCursor, claimLast: number): StreamCursor {
  return cur.seq > claimLast ? { claim: claimLast + 1, seq: claimLast + 1 } : cur;
}

/** The events of a batch fixed earlier, read again from the stream log for a retry or a redelivery. */
export async function readSeqs(
  log: StreamLogStore,
  workspaceId: string,
  fromClaim: number,
  seqs: number[],
  now: Date,
): Promise<EventDoc[]> {
  const wanted = new Set(seqs);
  const last = Math.max(...seqs);
  const found: EventDoc[] = [];
  for (let claim = fromClaim; claim <= last;) {
    const r = await log.resolve(workspaceId, claim, now);
    if (r === null || r === 'open') break;
    for (const e of r.claim.events) if (wanted.has(e.seq)) found.push(e);
    claim = r.claim.last + 1;
  }
  return found;
}
