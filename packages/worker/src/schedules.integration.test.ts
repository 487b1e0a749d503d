import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type TestEnv } from '@audit/testing';
import { checkpointScheduleDefinition, ensureSchedule, retentionScheduleDefinition } from './schedules.ts';

let env: TestEnv;
let client: Client;
const created: string[] = [];
beforeAll(async () => {
  env = await openTestEnv();
  client = new Client({
    connection: await Connection.connect({ address: env.deps.config.TEMPORAL_ADDRESS }),
    namespace: env.deps.config.TEMPORAL_NAMESPACE,
  });
});
afterAll(async () => {
  for (const id of created)
    await client.schedule
      .getHandle(id)
      .delete()
      .catch(() => {});
  await client?.connection.close();
  await env?.close();
});

async function countSchedules(prefix: string): Promise<number> {
  let n = 0;
  for await (const s of client.schedule.list()) if (s.scheduleId.startsWith(prefix)) n += 1;
  return n;
}

describe('the retention schedule', () => {
  it('is created once, daily at 03:00 UTC, overlap SKIP, with a catch-up window and a note', async () => {
    const id = `retention-test-${env.deps.config.TEMPORAL_TASK_QUEUE}`;
    created.push(id);
    const def = retentionScheduleDefinition(env.deps.config.TEMPORAL_TASK_QUEUE, 3, id);
    expect(await ensureSchedule(client, def)).toBe('created');
    expect(await ensureSchedule(client, def)).toBe('updated');
    const d = await client.schedule.getHandle(id).describe();
    expect(d.spec.calendars).toEqual([
      expect.objectContaining({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] }),
    ]);
    expect(d.spec.timezone).toBe('UTC');
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.policies.catchupWindow).toBe(6 * 3600 * 1000);
    expect(d.state.note).toMatch(/Daily retention purge at 03:00 UTC/);
    expect(d.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'scheduledRetentionPurge',
      taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
    });
    const next = d.info.nextActionTimes[0]!;
    expect(next.getUTCHours()).toBe(3);
    expect(next.getUTCMinutes()).toBe(0);
    expect(await countSchedules(id)).toBe(1);
  });

  it('is brought to the current spec and action when they changed', async () => {
    const id = `retention-change-${env.deps.config.TEMPORAL_TASK_QUEUE}`;
    created.push(id);
    await ensureSchedule(client, retentionScheduleDefinition('old-queue', 5, id));
    expect(await ensureSchedule(client, retentionScheduleDefinition(env.deps.config.TEMPORAL_TASK_QUEUE, 3, id))).toBe(
      'updated',
    );
    const d = await client.schedule.getHandle(id).describe();
    expect(d.spec.calendars?.[0]?.hour).toEqual([{ start: 3, end: 3, step: 1 }]);
    expect(d.action).toMatchObject({ taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE });
    expect(await countSchedules(id)).toBe(1);
  });

  it('starts a purge as of the scheduled time when it fires', async () => {
    const worker = await env.startWorker();
    const id = `retention-fire-${env.deps.config.TEMPORAL_TASK_QUEUE}`;
    created.push(id);
    try {
      await ensureSchedule(client, retentionScheduleDefinition(env.deps.config.TEMPORAL_TASK_QUEUE, 3, id));
      const before = Date.now();
      // Other test files share this Temporal server and run purges under the same lock id; a
      // scheduled purge that finds the lock taken rightly gives up, so fire again until one runs.
      let run = null;
      for (let i = 0; i < 300 && !run; i++) {
        if (i % 50 === 0) await client.schedule.getHandle(id).trigger();
        run = await env.deps.store.retentionRuns.col.findOne({ trigger: 'schedule', status: 'completed' });
        if (!run) await new Promise((r) => setTimeout(r, 100));
      }
      expect(run).not.toBeNull();
      expect(run!.asOf.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(run!.workflowId).toBe(`retention:purge:${env.deps.config.TEMPORAL_TASK_QUEUE}`);
    } finally {
      await worker.stop();
    }
  });
});

describe('the checkpoint schedule', () => {
  it('runs a sealing pass every interval, overlap SKIP: events recorded are sealed without anyone asking', async () => {
    const worker = await env.startWorker();
    const id = `checkpoint-test-${env.deps.config.TEMPORAL_TASK_QUEUE}`;
    created.push(id);
    try {
      const def = checkpointScheduleDefinition(env.deps.config.TEMPORAL_TASK_QUEUE, 10_000, id);
      expect(await ensureSchedule(client, def)).toBe('created');
      const d = await client.schedule.getHandle(id).describe();
      expect(d.policies.overlap).toBe('SKIP');
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'checkpointSeal',
        taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
      });
      const t = await env.tenant('enterprise');
      const e = await t.caller.events.record({
        category: 'lock',
        action: 'created',
        actor: { type: 'user', id: 'usr_1' },
      });
      const deadline = Date.now() + 45_000;
      let proof = await t.caller.events.proof({ id: e.id });
      while (!proof.sealed && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        proof = await t.caller.events.proof({ id: e.id });
      }
      expect(proof.sealed).toBe(true);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
