import { describe, expect, it } from 'vitest';
import { ClaimFinisher, HINT_EVERY_MS } from './claim-finisher.ts';
import { ClaimQueue } from './claim-queue.ts';
import type { Claim, FinishedClaim, StreamLogStore } from './stream-log-store.ts';

const claim = (workspaceId: string, first: number): Claim => ({
  _id: `${workspaceId}:${first}`,
  workspaceId,
  first,
  last: first,
  claimedAt: new Date(first),
  events: [],
});

/** A stream log that records the writes it is asked for, and a queue that runs tasks in order. */
function harness(commitAll: (done: FinishedClaim[]) => Promise<void> = async () => {}) {
  const writes: string[] = [];
  const log = {
    commitAll: async (done: FinishedClaim[]) => {
      writes.push(`marks ${done.map((d) => d.claim._id).join(' ')}`);
      await commitAll(done);
    },
    advanceHint: async (hint: Pick<Claim, 'workspaceId' | 'last'>) => {
      writes.push(`hint ${hint.workspaceId} ${hint.last}`);
    },
  } as unknown as StreamLogStore;
  const queue = new ClaimQueue();
  const queued: string[] = [];
  const run = queue.run.bind(queue);
  queue.run = (workspaceId, holdMs, task) => {
    queued.push(workspaceId);
    return run(workspaceId, holdMs, task);
  };
  return { finisher: new ClaimFinisher(log, queue), writes, queued, queue };
}

/** A stream log whose hint writes fail until `healthy` says otherwise. */
function failingHints() {
  let healthy = false;
  const hints: number[] = [];
  const log = {
    commitAll: async () => {},
    advanceHint: async (hint: Pick<Claim, 'last'>) => {
      if (!healthy) throw new Error('database blip');
      hints.push(hint.last);
    },
  } as unknown as StreamLogStore;
  return { finisher: new ClaimFinisher(log, new ClaimQueue()), hints, heal: () => (healthy = true) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ClaimFinisher', () => {
  it('writes nothing before the caller has moved on, then the mark and the hint', async () => {
    const { finisher, writes } = harness();
    finisher.add(claim('ws_a', 1), []);
    await Promise.resolve();
    expect(writes).toEqual([]);
    await finisher.idle();
    expect(writes).toEqual(['marks ws_a:1', 'hint ws_a 1']);
  });

  it('gives claims finished while a flush waits that flush, per workspace', async () => {
    const { finisher, writes } = harness();
    finisher.add(claim('ws_a', 1), []);
    finisher.add(claim('ws_b', 1), [1]);
    finisher.add(claim('ws_a', 2), []);
    await finisher.idle();
    expect(writes).toEqual(['marks ws_a:1 ws_a:2', 'hint ws_a 2', 'marks ws_b:1', 'hint ws_b 1']);
  });

  it('writes marks at once but the hint at most once per window, the trailing one covering the rest', async () => {
    const { finisher, writes } = harness();
    finisher.add(claim('ws_a', 1), []);
    for (let i = 0; i < 5; i++) await tick();
    finisher.add(claim('ws_a', 2), []);
    for (let i = 0; i < 5; i++) await tick();
    finisher.add(claim('ws_a', 3), []);
    for (let i = 0; i < 5; i++) await tick();
    expect(writes).toEqual(['marks ws_a:1', 'hint ws_a 1', 'marks ws_a:2', 'marks ws_a:3']);
    await new Promise((r) => setTimeout(r, HINT_EVERY_MS + 50));
    expect(writes.at(-1)).toBe('hint ws_a 3');
    await finisher.idle();
    expect(writes.filter((w) => w.startsWith('hint'))).toEqual(['hint ws_a 1', 'hint ws_a 3']);
  });

  it('writes a held-back hint at once when asked to settle', async () => {
    const { finisher, writes } = harness();
    finisher.add(claim('ws_a', 1), []);
    for (let i = 0; i < 5; i++) await tick();
    finisher.add(claim('ws_a', 2), []);
    const started = Date.now();
    await finisher.idle();
    expect(Date.now() - started).toBeLessThan(HINT_EVERY_MS);
    expect(writes.slice(0, 2)).toEqual(['marks ws_a:1', 'hint ws_a 1']);
    expect(writes.slice(2).sort()).toEqual(['hint ws_a 2', 'marks ws_a:2']);
  });

  it('takes its turns in the workspace queue, and moves the hint when the marks fail', async () => {
    const { finisher, writes, queued } = harness(async () => {
      throw new Error('database blip');
    });
    finisher.add(claim('ws_a', 1), []);
    await finisher.idle();
    expect(queued.every((ws) => ws === 'ws_a')).toBe(true);
    // The hint still moves: a mark that never lands is the readers' to repair.
    expect(writes).toEqual(['marks ws_a:1', 'hint ws_a 1']);
  });

  it('keeps a hint whose write failed for the trailing write', async () => {
    const { finisher, hints, heal } = failingHints();
    finisher.add(claim('ws_a', 1), []);
    for (let i = 0; i < 5; i++) await tick();
    expect(hints).toEqual([]);
    heal();
    await finisher.idle();
    expect(hints).toEqual([1]);
  });

  it('holds the next claim back only briefly behind a flush that hangs (a database outage)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { finisher, queue } = harness(() => gate);
    finisher.add(claim('ws_a', 1), []);
    await tick();
    const started = Date.now();
    await queue.run('ws_a', 1_000, async () => {});
    expect(Date.now() - started).toBeLessThan(1_000);
    let settled = false;
    const idle = finisher.idle().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    release();
    await idle;
  });
});
