import { describe, expect, it } from 'vitest';
import { ClaimQueue } from './claim-queue.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ClaimQueue', () => {
  it('runs the tasks of one workspace one after the other, and other workspaces beside them', async () => {
    const q = new ClaimQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
      return name;
    };
    const runs = [q.run('a', 1_000, task('a1', 30)), q.run('a', 1_000, task('a2', 1)), q.run('b', 1_000, task('b1', 1))];
    const results = await Promise.all(runs);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('lets the next task go once the one before has held the workspace for its hold', async () => {
    const q = new ClaimQueue();
    let release!: () => void;
    const hung = q.run('a', 50, () => new Promise<string>((r) => (release = () => r('late'))));
    const started = Date.now();
    expect(await q.run('a', 50, async () => 'next')).toBe('next');
    expect(Date.now() - started).toBeLessThan(1_000);
    release();
    expect(await hung).toBe('late');
  });

  it('hands each caller its own failure and goes on with the next task', async () => {
    const q = new ClaimQueue();
    const failed = q.run('a', 1_000, async () => {
      throw new Error('duplicate key');
    });
    const next = q.run('a', 1_000, async () => 'ok');
    await expect(failed).rejects.toThrow('duplicate key');
    expect(await next).toBe('ok');
  });
});
