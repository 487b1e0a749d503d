import { describe, expect, it } from 'vitest';
import type { StreamDoc, WorkspaceDoc } from '@audit/store';
import { standingOf } from './stream-standing.ts';

const now = new Date('2030-01-01T00:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const ws = (plan: WorkspaceDoc['plan'] = 'enterprise'): WorkspaceDoc => ({
  _id: 'wsp_1',
  organizationId: 'org_1',
  name: 'w',
  plan,
  createdAt: now,
  updatedAt: now,
});
const stream = (nextSeq: number, idleSince: Date | null): StreamDoc => ({
  _id: 'whk_1',
  kind: 'live',
  workspaceId: 'wsp_1',
  webhookId: 'whk_1',
  next: { claim: 1, seq: nextSeq },
  open: null,
  deliveredThrough: null,
  lastDelivery: null,
  untilSeq: null,
  status: 'running',
  idleSince,
  createdAt: now,
  updatedAt: now,
});

describe("a stream against its workspace's last seq", () => {
  it('is behind when idle longer than the grace with events at or after its position', () => {
    expect(standingOf(stream(10, ago(6_000)), ws(), 10, now, 5_000)).toEqual({ behind: true, backlog: 1 });
    expect(standingOf(stream(8, ago(60_000)), ws(), 20, now, 5_000)).toEqual({ behind: true, backlog: 13 });
  });

  it('is left alone while freshly idle: the wake-up may be on its way', () => {
    expect(standingOf(stream(10, ago(4_000)), ws(), 12, now, 5_000)).toEqual({ behind: false, backlog: 3 });
  });

  it('is not behind once past the workspace end', () => {
    expect(standingOf(stream(11, ago(60_000)), ws(), 10, now, 5_000)).toEqual({ behind: false, backlog: 0 });
  });

  it('counts a stream that never went idle as behind when events wait', () => {
    expect(standingOf(stream(5, null), ws(), 9, now, 5_000)).toEqual({ behind: true, backlog: 5 });
  });

  it('says nothing of a workspace whose plan has no streaming, or of a missing stream or workspace', () => {
    expect(standingOf(stream(1, ago(60_000)), ws('free'), 10, now, 5_000)).toEqual({ behind: false, backlog: null });
    expect(standingOf(null, ws(), 10, now, 5_000)).toEqual({ behind: false, backlog: null });
    expect(standingOf(stream(1, null), null, 10, now, 5_000)).toEqual({ behind: false, backlog: null });
  });
});
