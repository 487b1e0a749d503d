import { describe, expect, it } from 'vitest';
import { verifyLog, type VerifyInput } from '@audit/shared/integrity/verify-core';
import { applySince } from './since.ts';
import { testLog, WS } from './test-log.ts';

const log = testLog(35, 10);
const input: VerifyInput = {
  workspaceId: WS,
  events: log.events,
  checkpoints: log.checkpoints,
  purges: [],
  keys: log.keysDoc.keys,
  held: log.checkpoints.map(({ leaves: _, ...c }) => c),
};

describe('--since', () => {
  it('keeps the checkpoints sealed from then on, their events and later ones, and the held copies from there', () => {
    const r = applySince(input, new Date(log.checkpoints[1]!.sealedAt));
    expect(r.checkpoints.map((c) => c.number)).toEqual([2, 3]);
    expect(Math.min(...r.events.map((e) => e.seq))).toBe(11);
    expect(r.held?.map((h) => h.number)).toEqual([2, 3]);
    expect(verifyLog(r)).toMatchObject({ ok: true, counts: { sealed: 20, unsealed: 5 } });
  });

  it('after the newest checkpoint: only the unsealed events remain', () => {
    const r = applySince(input, new Date('2030-01-01T00:00:00Z'));
    expect(r.checkpoints).toEqual([]);
    expect(r.events.map((e) => e.seq)).toEqual([31, 32, 33, 34, 35]);
    expect(r.held).toEqual([]);
    expect(verifyLog(r)).toMatchObject({ ok: true, counts: { sealed: 0, unsealed: 5 } });
  });

  it('a tampered event before the cut-off is out of scope; one after it is still found', () => {
    const events = log.events.map((e) => (e.seq === 5 || e.seq === 25 ? { ...e, metadata: { x: 1 } } : e));
    const r = verifyLog(applySince({ ...input, events }, new Date(log.checkpoints[1]!.sealedAt)));
    expect(r.findings.map((f) => [f.kind, f.seq])).toEqual([['modified', 25]]);
  });
});
