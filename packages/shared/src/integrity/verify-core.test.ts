import { describe, expect, it } from 'vitest';
import {
  checkpointHash,
  checkpointSigningInput,
  purgeSigningInput,
  type Checkpoint,
  type PurgeRecord,
} from './checkpoint.ts';
import { eventHash, type HashableEvent } from './event-hash.ts';
import { merkleRoot } from './merkle.ts';
import { toRanges } from './seq-ranges.ts';
import { generateSigningKeyValue, parseSigningKey, signText, type SigningKey } from './signing.ts';
import { verifyLog, type Finding, type VerifyInput } from './verify-core.ts';

const WS = 'ws_01JA2Q3R4S5T6V7W8X9Y0Z1A2C';
const KEY = parseSigningKey(generateSigningKeyValue());
const OTHER = parseSigningKey(generateSigningKeyValue());
type Ev = VerifyInput['events'][number];
type Sealed = VerifyInput['checkpoints'][number];

function event(seq: number, workspaceId = WS): Ev {
  const e: HashableEvent = {
    id: `aud_${String(seq).padStart(26, '0')}`,
    workspaceId,
    organizationId: 'org_1',
    seq,
    category: 'workspace',
    action: 'updated',
    actor: { type: 'user', id: `usr_${seq % 7}` },
    target: seq % 3 === 0 ? null : { type: 'workspace', id: workspaceId },
    description: seq % 2 ? `update ${seq}` : null,
    metadata: { n: seq, tags: ['a', 'b'] },
    occurredAt: new Date(Date.UTC(2024, 0, 1) + seq * 1000),
    recordedAt: new Date(Date.UTC(2024, 0, 1) + seq * 1000 + 5),
    context: { requestId: `req_${seq}` },
  };
  return { ...e, hash: eventHash(e) };
}

function sign(h: Omit<Checkpoint, 'signature'> & { leaves: string[] }, key: SigningKey = KEY): Sealed {
  return { ...h, signature: signText(checkpointSigningInput(h), key) };
}

/** Seals seqs (with their events' hashes) into checkpoints of `per`, spans contiguous from 1. */
function seal(events: Ev[], per: number, key: SigningKey = KEY): Sealed[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const out: Sealed[] = [];
  for (let i = 0; i < sorted.length; i += per) {
    const chunk = sorted.slice(i, i + per);
    const leaves = chunk.map((e) => eventHash(e));
    const prev = out[out.length - 1];
    out.push(
      sign(
        {
          id: `chk_${out.length + 1}`,
          workspaceId: WS,
          number: out.length + 1,
          count: chunk.length,
          seqs: toRanges(chunk.map((e) => e.seq)),
          from: prev ? prev.through + 1 : 1,
          through: chunk[chunk.length - 1]!.seq,
          root: merkleRoot(leaves),
          previous: prev ? checkpointHash(prev) : null,
          sealedAt: new Date(Date.UTC(2024, 0, 2) + out.length * 60_000).toISOString(),
          keyId: key.keyId,
          leaves,
        },
        key,
      ),
    );
  }
  return out;
}

function purge(seqs: number[], key: SigningKey = KEY): PurgeRecord {
  const h = {
    id: 'prg_1',
    workspaceId: WS,
    runId: 'ret_1',
    cutoff: '2024-01-01T00:00:30.000Z',
    seqs: toRanges(seqs),
    count: seqs.length,
    createdAt: '2024-01-03T00:00:00.000Z',
    keyId: key.keyId,
  };
  return { ...h, signature: signText(purgeSigningInput(h), key) };
}

/** An honest log: seqs 1..n without `skip` (never used), sealed by `per`, the last `unsealed` not yet sealed. */
function honest(n: number, opts: { per?: number; skip?: number[]; unsealed?: number } = {}): VerifyInput {
  const skip = new Set(opts.skip ?? []);
  const events = Array.from({ length: n }, (_, i) => i + 1)
    .filter((s) => !skip.has(s))
    .map((s) => event(s));
  const sealedEvents = events.slice(0, events.length - (opts.unsealed ?? 0));
  return {
    workspaceId: WS,
    events,
    checkpoints: seal(sealedEvents, opts.per ?? 10),
    purges: [],
    keys: [{ keyId: KEY.keyId, publicKey: KEY.publicKey }],
  };
}

const brief = (f: Finding[]) =>
  f.map((x) => ({ kind: x.kind, eventId: x.eventId, seq: x.seq, checkpoint: x.checkpoint }));
const at = (input: VerifyInput, seq: number) => input.events.findIndex((e) => e.seq === seq);

describe('verifyLog: an honest log', () => {
  it('verifies clean, counting sealed and unsealed events', () => {
    const input = honest(35, { skip: [12, 13], unsealed: 3 });
    const r = verifyLog(input);
    expect(r.findings).toEqual([]);
    expect(r).toMatchObject({
      ok: true,
      counts: { events: 33, sealed: 30, unsealed: 3, purged: 0, checkpoints: 3, purgeRecords: 0 },
    });
  });

  it('10,000 events with a purge in the middle verifies clean', () => {
    const input = honest(10_000, { per: 1000, skip: [4321, 4322], unsealed: 250 });
    const purgedSeqs = Array.from({ length: 1500 }, (_, i) => 3000 + i);
    input.events = input.events.filter((e) => e.seq < 3000 || e.seq >= 4500);
    input.purges = [purge(purgedSeqs)];
    input.held = input.checkpoints.slice(0, 5).map(({ leaves: _, ...c }) => c);
    const r = verifyLog(input);
    expect(r.findings).toEqual([]);
    expect(r.counts).toEqual({
      events: 8500,
      sealed: 8250,
      unsealed: 250,
      purged: 1498,
      checkpoints: 10,
      purgeRecords: 1,
    });
  });

  it('checks a later part of the chain on its own (as --since does)', () => {
    const input = honest(50);
    input.checkpoints = input.checkpoints.slice(2);
    input.events = input.events.filter((e) => e.seq > 20);
    expect(verifyLog(input).findings).toEqual([]);
  });
});

describe('verifyLog: each kind of tampering is found and named', () => {
  it('modified: one metadata value, or recordedAt, with or without the stored hash recomputed', () => {
    const input = honest(30);
    const i = at(input, 5);
    input.events[i] = { ...input.events[i]!, metadata: { n: 5, tags: ['a', 'x'] } };
    const j = at(input, 17);
    const changed = { ...input.events[j]!, recordedAt: new Date(Date.UTC(2024, 0, 1) + 17_006) };
    input.events[j] = { ...changed, hash: eventHash(changed) };
    const r = verifyLog(input);
    expect(brief(r.findings)).toEqual([
      { kind: 'modified', eventId: input.events[i]!.id, seq: 5, checkpoint: 1 },
      { kind: 'modified', eventId: input.events[j]!.id, seq: 17, checkpoint: 2 },
    ]);
    expect(r.findings[0]!.message).toMatch(/stored hash still equals the sealed one/);
    expect(r.findings[1]!.message).toMatch(/stored hash was changed to match/);
    expect(r.ok).toBe(false);
  });

  it('missing: a deleted event; purged instead when a signed purge record lists it', () => {
    const input = honest(30);
    input.events = input.events.filter((e) => e.seq !== 7 && e.seq !== 8);
    input.purges = [purge([8])];
    const r = verifyLog(input);
    expect(brief(r.findings)).toEqual([{ kind: 'missing', eventId: undefined, seq: 7, checkpoint: 1 }]);
    expect(r.counts.purged).toBe(1);
    // A purge record signed by someone else covers nothing.
    input.purges = [purge([7, 8], OTHER)];
    expect(brief(verifyLog(input).findings).map((f) => [f.kind, f.seq])).toEqual([
      ['unknown-key', undefined],
      ['missing', 7],
      ['missing', 8],
    ]);
    const forged = { ...purge([7, 8]), count: 3 };
    expect(verifyLog({ ...input, purges: [forged] }).findings.map((f) => f.kind)).toEqual([
      'bad-signature',
      'missing',
      'missing',
    ]);
  });

  it('reordered: two events with their seqs swapped, and one moved to an unused seq', () => {
    const input = honest(30, { skip: [25] });
    const [a, b] = [at(input, 3), at(input, 4)];
    input.events[a] = { ...input.events[a]!, seq: 4 };
    input.events[b] = { ...input.events[b]!, seq: 3 };
    const c = at(input, 22);
    input.events[c] = { ...input.events[c]!, seq: 25 };
    const r = verifyLog(input);
    expect(brief(r.findings)).toEqual([
      { kind: 'reordered', eventId: input.events[b]!.id, seq: 3, checkpoint: 1 },
      { kind: 'reordered', eventId: input.events[a]!.id, seq: 4, checkpoint: 1 },
      { kind: 'reordered', eventId: input.events[c]!.id, seq: 25, checkpoint: 3 },
    ]);
    expect(r.findings[0]!.message).toMatch(/sealed it at seq 4/);
  });

  it('inserted: a forged event with a self-consistent hash at an unused seq, a second event on a seq, another workspace', () => {
    const input = honest(30, { skip: [14] });
    const forged = { ...event(14), id: 'aud_forged' };
    const dup = { ...event(9), id: 'aud_dup', metadata: { forged: true } };
    const foreign = event(31, 'ws_other');
    input.events.push({ ...forged, hash: eventHash(forged) }, { ...dup, hash: eventHash(dup) }, foreign);
    const r = verifyLog(input);
    expect(brief(r.findings)).toEqual([
      { kind: 'inserted', eventId: 'aud_dup', seq: 9, checkpoint: 1 },
      { kind: 'inserted', eventId: 'aud_forged', seq: 14, checkpoint: undefined },
      { kind: 'inserted', eventId: foreign.id, seq: 31, checkpoint: undefined },
    ]);
    expect(r.findings[1]!.message).toMatch(/checkpoint #2's span \[11, 21\]/);
  });

  it('bad-signature and unknown-key: a checkpoint re-signed with another key', () => {
    const input = honest(30);
    const { signature: _, ...c2 } = input.checkpoints[1]!;
    input.checkpoints[1] = sign(c2, OTHER); // still names KEY's keyId
    let r = verifyLog(input);
    expect(brief(r.findings)).toEqual([
      { kind: 'bad-signature', eventId: undefined, seq: undefined, checkpoint: 2 },
      { kind: 'broken-chain', eventId: undefined, seq: undefined, checkpoint: 3 },
    ]);
    input.checkpoints[1] = sign({ ...c2, keyId: OTHER.keyId }, OTHER);
    r = verifyLog(input);
    expect(r.findings.map((f) => [f.kind, f.checkpoint])).toEqual([
      ['unknown-key', 2],
      ['broken-chain', 3],
    ]);
  });

  it('replaced checkpoint: event, leaf and root rewritten and re-signed by another key', () => {
    const input = honest(30);
    const i = at(input, 15);
    const changed = { ...input.events[i]!, description: 'nothing happened' };
    input.events[i] = { ...changed, hash: eventHash(changed) };
    const { signature: _, ...c2 } = input.checkpoints[1]!;
    const leaves = c2.leaves.map((l, k) => (k === 4 ? eventHash(changed) : l));
    input.checkpoints[1] = sign({ ...c2, leaves, root: merkleRoot(leaves), keyId: OTHER.keyId }, OTHER);
    expect(verifyLog(input).findings.map((f) => [f.kind, f.checkpoint])).toEqual([
      ['unknown-key', 2],
      ['broken-chain', 3],
    ]);
  });

  it('broken-chain: a checkpoint removed, a wrong previous, #1 naming one, overlapping spans', () => {
    const input = honest(40);
    const removed = { ...input, checkpoints: input.checkpoints.filter((c) => c.number !== 2) };
    let r = verifyLog(removed);
    expect(r.findings.map((f) => [f.kind, f.checkpoint, f.message])).toEqual([
      ['broken-chain', 3, 'checkpoint #2 is missing before #3'],
    ]);
    expect(r.counts.unsealed).toBe(10);
    const { signature: _, ...c3 } = input.checkpoints[2]!;
    input.checkpoints[2] = sign({ ...c3, previous: checkpointHash(input.checkpoints[0]!) });
    r = verifyLog(input);
    // Re-signed with a wrong previous: #3 is at fault, and #4 no longer names #3.
    expect(r.findings.map((f) => [f.kind, f.checkpoint])).toEqual([
      ['broken-chain', 3],
      ['broken-chain', 4],
    ]);
    const { signature: __, ...c1 } = input.checkpoints[0]!;
    const overlap = honest(40);
    const { signature: ___, ...o2 } = overlap.checkpoints[1]!;
    overlap.checkpoints[1] = sign({ ...o2, from: 10 });
    overlap.checkpoints[0] = sign({ ...c1, previous: 'ab'.repeat(32) });
    expect(verifyLog(overlap).findings.map((f) => [f.kind, f.checkpoint])).toEqual([
      ['broken-chain', 1],
      ['broken-chain', 2],
      ['broken-chain', 2],
      ['broken-chain', 3],
    ]);
  });

  it('bad-root: a leaf changed in the export, or a signed root that its leaves do not give', () => {
    const input = honest(30);
    input.checkpoints[0] = {
      ...input.checkpoints[0]!,
      leaves: input.checkpoints[0]!.leaves.map((l, k) => (k === 2 ? 'ff'.repeat(32) : l)),
    };
    let r = verifyLog(input);
    expect(r.findings.map((f) => [f.kind, f.checkpoint, f.seq])).toEqual([
      ['bad-root', 1, undefined],
      ['modified', 1, 3],
    ]);
    const fresh = honest(30);
    const { signature: _, ...c2 } = fresh.checkpoints[1]!;
    fresh.checkpoints[1] = sign({ ...c2, count: 11 });
    r = verifyLog(fresh);
    expect(r.findings.map((f) => [f.kind, f.checkpoint])).toEqual([
      ['bad-root', 2],
      ['broken-chain', 3],
    ]);
    expect(r.findings[0]!.message).toMatch(/count is 11 but seqs cover 10/);
  });

  it('rewritten: a held checkpoint differs from the service, or the service lacks it', () => {
    const input = honest(30);
    const held: Checkpoint[] = input.checkpoints.map(({ leaves: _, ...c }) => c);
    const { signature: _s, ...c2 } = input.checkpoints[1]!;
    input.checkpoints[1] = sign({ ...c2, sealedAt: '2030-01-01T00:00:00.000Z' });
    input.held = [...held, { ...held[2]!, number: 4, id: 'chk_4' }, held[0]!];
    const r = verifyLog(input);
    expect(r.findings.map((f) => [f.kind, f.checkpoint])).toEqual([
      ['broken-chain', 3],
      ['rewritten', 2],
      ['rewritten', 4],
    ]);
    expect(r.findings[1]!.message).toBe('checkpoint #2 differs from the copy you hold (sealedAt, signature)');
    expect(r.findings[2]!.message).toBe('checkpoint #4 held by you is missing from the service');
  });
});
