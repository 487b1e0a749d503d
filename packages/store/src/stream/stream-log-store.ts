import { Binary, BSON, type Collection, type Db } from 'mongodb';
import type { EventDoc, WorkspaceDoc } from '../documents.ts';
import { eventHashOf } from '../integrity/event-hash-of.ts';
import { workspacesWithOlder } from '../expired-probe.ts';
import { isDuplicateKey } from '../mongo.ts';
import type { StreamHeadsStore } from './stream-heads-store.ts';
import type { StreamCursor } from './streams-store.ts';

/**
 * The stream log: the workspace's events in `seq` order, as a chain of claims.
 *
 * A writer takes its `seq` range by inserting a claim whose `_id` is the range's first number,
 * and the claim carries the full events it is about to insert. The next claim starts right after
 * the previous one ends, so the chain has no holes, and a unique `_id` is the only arbiter it
 * needs: two writers (two API processes) reaching for the same range cannot both win, on MongoDB
 * or on FerretDB, whose `$inc` is not atomic. Once the events are in `events`, the writer inserts
 * a commit mark naming the numbers that stayed unused (an idempotency key already stored).
 *
 * Readers (the destination streams, and anything else that needs "every event, in order, none
 * skipped") follow the chain and stop at the first claim without a commit mark. A claim left
 * uncommitted by a writer that died is rolled forward by the reader after a grace period: it
 * inserts the claim's events itself (an event already there is simply found), so an event
 * committed out of `seq` order by a slower writer is never passed over, and nothing depends on
 * a timeout for correctness. Every read is by `_id`, the one filter FerretDB serves from an index.
 */
export interface ClaimDoc {
  /** `<workspaceId>:<first seq, zero-padded>` */
  _id: string;
  workspaceId: string;
  first: number;
  last: number;
  claimedAt: Date;
  /**
   * The events, BSON-encoded as one binary value: FerretDB stores a nested document field by
   * field, and one blob was 3x cheaper to insert and 6x cheaper to read (500 events: 50 ms against
   * 176 ms to write, 80 ms against 462 ms to read, measured here).
   */
  payload: Binary;
}

/** A claim with its events decoded. */
export type Claim = Omit<ClaimDoc, 'payload'> & { events: EventDoc[] };

/** The same safety as the driver's reads (see mongo.ts): no prototype look-ups of field names. */
const DECODE = { fieldsAsRaw: Object.create(null) as Record<string, never> };

export function encodeClaim(claim: Claim): ClaimDoc {
  const { events, ...rest } = claim;
  return { ...rest, payload: new Binary(BSON.serialize({ events })) };
}

function decodeClaim(doc: ClaimDoc): Claim {
  const { payload, ...rest } = doc;
  return { ...rest, events: (BSON.deserialize(payload.buffer, DECODE) as { events: EventDoc[] }).events };
}

export interface CommitDoc {
  _id: string;
  workspaceId: string;
  /** Numbers of the claim whose event was not stored (its idempotency key was taken). */
  unused: number[];
  committedAt: Date;
}

/** A claim as readers see it: committed (with its unused numbers), or still open. */
export interface ResolvedClaim {
  claim: Claim;
  unused: Set<number>;
}

/** An uncommitted claim younger than this is left to its writer. */
export const ROLL_FORWARD_AFTER_MS = 3_000;
/** How long a process trusts its own idea of the chain's end before asking the workspace again. */
const END_CACHE_MS = 60_000;
/** Events kept in resolved claims per process, for streams that read the same claims again. */
const CACHE_EVENTS = 5_000;

export function claimId(workspaceId: string, first: number): string {
  return `${workspaceId}:${String(first).padStart(12, '0')}`;
}

export class StreamLogStore {
  readonly claims: Collection<ClaimDoc>;
  readonly commits: Collection<CommitDoc>;
  private readonly workspaces: Collection<WorkspaceDoc>;
  private readonly events: Collection<EventDoc>;
  private readonly endCache = new Map<string, { next: number; at: number }>();
  /** Claims and their commit marks never change once written: readers may keep them. */
  private readonly resolved = new Map<string, ResolvedClaim>();
  private cachedEvents = 0;

  constructor(
    db: Db,
    readonly heads: StreamHeadsStore,
  ) {
    this.claims = db.collection<ClaimDoc>('stream_claims');
    this.commits = db.collection<CommitDoc>('stream_commits');
    this.workspaces = db.collection<WorkspaceDoc>('workspaces');
    this.events = db.collection<EventDoc>('events');
  }

  /**
   * Takes the next `events.length` numbers for these events and writes the claim. Callers
   * serialize claims per workspace within a process; other processes are settled by `_id`.
   */
  async claim(workspaceId: string, events: Omit<EventDoc, 'seq'>[], now: Date): Promise<Claim> {
    let first = await this.startHint(workspaceId);
    for (let collisions = 0; ; collisions++) {
      const doc: Claim = {
        _id: claimId(workspaceId, first),
        workspaceId,
        first,
        last: first + events.length - 1,
        claimedAt: now,
        // Hashed here because the hash covers `seq`, known only now; the claim carries it, so
        // the checkpoint sealer reads hashes from the log without touching `events`.
        events: events.map((e, i) => {
          const doc = { ...e, seq: first + i } as EventDoc;
          const hash = this.hashOf(doc);
          if (hash !== undefined) doc.hash = hash;
          return doc;
        }),
      };
      try {
        await this.claims.insertOne(encodeClaim(doc));
        this.endCache.set(workspaceId, { next: doc.last + 1, at: Date.now() });
        return doc;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (collisions >= 10_000) throw new Error(`could not claim sequence numbers in workspace ${workspaceId}`);
        const taken = await this.claims.findOne({ _id: doc._id }, { projection: { last: 1 } });
        // A claim taken and gone again would be a purge racing a writer; start over from the hint.
        first = taken ? taken.last + 1 : await this.startHint(workspaceId, true);
      }
    }
  }

  /** The stored event's hash. A method so the ingest benchmark can measure the same path without it. */
  protected hashOf(doc: EventDoc): string | undefined {
    return eventHashOf(doc);
  }

  /**
   * Moves the hint of where the chain ends (the workspace's head) past a written claim. Not
   * awaited by writers: the chain itself is the truth, and the head follows it shortly.
   */
  advanceHint(claim: Pick<Claim, 'workspaceId' | 'last' | 'claimedAt'>): void {
    this.heads.advance(claim.workspaceId, claim.last, claim.claimedAt);
  }

  async commit(claim: Pick<Claim, '_id' | 'workspaceId'>, unused: number[], now: Date): Promise<void> {
    try {
      await this.commits.insertOne({ _id: claim._id, workspaceId: claim.workspaceId, unused, committedAt: now });
    } catch (err) {
      // A reader rolled it forward first; it reached the same answer (see rollForward).
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The first number after the last claim: where the next claim goes. */
  async chainEnd(workspaceId: string): Promise<number> {
    let next = await this.startHint(workspaceId, true);
    for (;;) {
      const c = await this.claims.findOne({ _id: claimId(workspaceId, next) }, { projection: { last: 1 } });
      if (!c) return next;
      next = c.last + 1;
    }
  }

  /**
   * The claim starting at `first`, once its events are final: committed, or rolled forward here
   * when its writer has been silent past the grace period. Null when there is no claim there
   * yet (the end of the chain) or it is still being written.
   */
  async resolve(workspaceId: string, first: number, now: Date): Promise<ResolvedClaim | null | 'open'> {
    const id = claimId(workspaceId, first);
    const known = this.resolved.get(id);
    if (known) return known;
    const [doc, commit] = await Promise.all([this.claims.findOne({ _id: id }), this.commits.findOne({ _id: id })]);
    if (doc && doc.workspaceId !== workspaceId) return null;
    if (!doc) {
      // Past the end of the chain, or a position whose claims the retention purge removed (a
      // destination disabled for longer than retention): then the stream goes on from the oldest
      // claim left. Telling the two apart costs one `_id` read; the scan only the rare second.
      if (first > (await this.startHint(workspaceId, true)) - 1) return null;
      const oldest = await this.claims
        .find({ workspaceId, first: { $gt: first } }, { projection: { _id: 1, first: 1 } })
        .sort({ first: 1 })
        .limit(1)
        .next();
      return oldest ? this.resolve(workspaceId, oldest.first, now) : null;
    }
    const claim = decodeClaim(doc);
    let unused = commit?.unused;
    if (!unused) {
      if (now.getTime() - claim.claimedAt.getTime() < ROLL_FORWARD_AFTER_MS) return 'open';
      unused = await this.rollForward(claim, now);
    }
    const r: ResolvedClaim = { claim, unused: new Set(unused) };
    this.remember(id, r);
    return r;
  }

  /**
   * Finishes a dead writer's claim: inserts its events (those already stored are found by `_id`;
   * one refused for its idempotency key can never be stored, since that key stays taken) and
   * writes the commit mark. Safe beside a live writer doing the same: both read the outcome per
   * event from the events collection, which has one answer.
   */
  async rollForward(claim: Claim, now: Date): Promise<number[]> {
    const unused = await insertClaimed(this.events, claim.events);
    await this.commit(claim, unused, now);
    const mark = await this.commits.findOne({ _id: claim._id });
    return mark?.unused ?? unused;
  }

  /** A cursor at the end of the chain: a stream that starts "now". */
  async cursorAtEnd(workspaceId: string): Promise<StreamCursor> {
    const end = await this.chainEnd(workspaceId);
    return { claim: end, seq: end };
  }

  /**
   * A cursor at the first event recorded at or after `at` (backfill, replay): one query by time
   * on `events` and one on the claims, both indexed on MongoDB and scans on FerretDB, once per
   * request. Events from before the stream log existed are not in it; a stream starts at its
   * first claim then.
   */
  async cursorAt(workspaceId: string, at: Date): Promise<StreamCursor> {
    const first = await this.events
      .find({ workspaceId, recordedAt: { $gte: at } }, { projection: { seq: 1 } })
      .sort({ recordedAt: 1, _id: 1 })
      .limit(1)
      .next();
    if (!first) return this.cursorAtEnd(workspaceId);
    const claim = await this.claimHolding(workspaceId, first.seq);
    if (claim !== null) return { claim, seq: first.seq };
    const oldest = await this.claims
      .find({ workspaceId }, { projection: { first: 1 } })
      .sort({ first: 1 })
      .limit(1)
      .next();
    return oldest ? { claim: oldest.first, seq: oldest.first } : this.cursorAtEnd(workspaceId);
  }

  /** The last `seq` recorded at or before `at`, or null when there is none (a replay's end). */
  async lastSeqAt(workspaceId: string, at: Date): Promise<number | null> {
    const last = await this.events
      .find({ workspaceId, recordedAt: { $lte: at } }, { projection: { seq: 1 } })
      .sort({ recordedAt: -1, _id: -1 })
      .limit(1)
      .next();
    return last?.seq ?? null;
  }

  /** The claim holding `seq`, for a stream positioned by time (backfill, replay): scans on FerretDB. */
  async claimHolding(workspaceId: string, seq: number): Promise<number | null> {
    const c = await this.claims
      .find({ workspaceId, first: { $lte: seq } }, { projection: { first: 1, last: 1 } })
      .sort({ first: -1 })
      .limit(1)
      .next();
    return c && c.last >= seq ? c.first : null;
  }

  /** Retention: claims whose every event is past the cut-off, at most `limit`, and their marks. */
  async deleteExpired(workspaceId: string, cutoff: Date, limit: number): Promise<number> {
    const ids = (
      await this.claims
        .find({ workspaceId, claimedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray()
    ).map((c) => c._id);
    if (ids.length === 0) return 0;
    await this.claims.deleteMany({ _id: { $in: ids } });
    await this.commits.deleteMany({ _id: { $in: ids } });
    for (const id of ids) {
      const old = this.resolved.get(id);
      if (old && this.resolved.delete(id)) this.cachedEvents -= old.claim.events.length;
    }
    return ids.length;
  }

  /** Retention: which of the workspaces hold a claim taken before `cutoff` (`workspace_claimed`). */
  workspacesWithExpired(workspaceIds: string[], cutoff: Date): Promise<Set<string>> {
    return workspacesWithOlder(this.claims, 'claimedAt', workspaceIds, cutoff);
  }

  private async startHint(workspaceId: string, fresh = false): Promise<number> {
    const cached = this.endCache.get(workspaceId);
    if (!fresh && cached && Date.now() - cached.at < END_CACHE_MS) return cached.next;
    const head = await this.heads.get(workspaceId);
    if (head) return head.eventSeq + 1;
    // No claim yet, or none since heads were kept apart: a workspace stored before keeps its end.
    const ws = await this.workspaces.findOne({ _id: workspaceId }, { projection: { eventSeq: 1 } });
    if (!ws) throw new Error(`workspace ${workspaceId} does not exist`);
    return (ws.eventSeq ?? 0) + 1;
  }

  /** Bounded by events held, oldest out first: a claim can hold up to 500 of them. */
  private remember(id: string, r: ResolvedClaim): void {
    this.resolved.set(id, r);
    this.cachedEvents += r.claim.events.length;
    while (this.cachedEvents > CACHE_EVENTS && this.resolved.size > 1) {
      const [oldId, old] = this.resolved.entries().next().value!;
      this.resolved.delete(oldId);
      this.cachedEvents -= old.claim.events.length;
    }
  }
}

/**
 * Inserts claimed events, unordered, and returns the numbers whose event is not stored. A
 * refusal is told apart by looking the event up by `_id`: present means it is stored (by us
 * before, or by a concurrent roll-forward), absent means its idempotency key belongs to another.
 */
export async function insertClaimed(events: Collection<EventDoc>, docs: EventDoc[]): Promise<number[]> {
  let refused: number[] = [];
  try {
    await events.insertMany(docs, { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    const list = Array.isArray(writeErrors) ? (writeErrors as { index: number; code: number }[]) : [];
    if (list.length === 0 || list.some((w) => w.code !== 11000)) throw err;
    refused = list.map((w) => w.index);
  }
  const unused: number[] = [];
  for (const i of refused) {
    const doc = docs[i]!;
    if (!(await events.findOne({ _id: doc._id }, { projection: { _id: 1 } }))) unused.push(doc.seq);
  }
  return unused;
}
