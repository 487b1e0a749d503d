import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, searchTokens } from '@audit/shared';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

const DAY = 86_400_000;

let env: TestEnv;
let client: Client;
beforeAll(async () => {
  env = await openTestEnv();
  client = new Client({
    connection: await Connection.connect({ address: env.deps.config.TEMPORAL_ADDRESS }),
    namespace: env.deps.config.TEMPORAL_NAMESPACE,
  });
});
afterAll(async () => {
  await client?.connection.close();
  await env?.close();
});

async function seed(t: Tenant, count: number, daysOld: number, now = Date.now()): Promise<void> {
  const docs = Array.from({ length: count }, (_, i) => {
    const recordedAt = new Date(now - daysOld * DAY - i * 1000);
    const id = newId('event', recordedAt.getTime());
    const e = { category: 'lock' as const, action: 'deleted', actor: { type: 'system', id: `seed-${daysOld}` } };
    return {
      _id: id,
      workspaceId: t.workspaceId,
      organizationId: t.organizationId,
      ...e,
      target: null,
      description: null,
      metadata: {},
      occurredAt: recordedAt,
      recordedAt,
      context: {},
      idempotencyKey: null,
      idem: `auto:${id}`,
      tokens: searchTokens(e),
    };
  });
  await env.deps.store.events.insertForWorkspace(t.workspaceId, docs);
}

const count = (t: Tenant, filter: Record<string, unknown> = {}) =>
  env.deps.store.events.col.countDocuments({ workspaceId: t.workspaceId, ...filter });

async function waitForRun(id: string) {
  for (let i = 0; i < 200; i++) {
    const run = await env.admin.admin.retention.run({ id });
    if (run.state === 'completed' || run.state === 'failed') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${id} did not finish`);
}

describe('a purge that crashes half-way', () => {
  it('resumes and deletes exactly the expired events once', async () => {
    let slices = 0;
    const crashAfterSecondSlice = (): ActivityInboundCallsInterceptor => ({
      async execute(input, next) {
        const result = await next(input);
        if (Context.current().info.activityType === 'purgeWorkspacePage' && (slices += 1) === 2)
          throw new Error('worker lost after deleting, before reporting');
        return result;
      },
    });
    const worker = await env.startWorker({
      retentionPacing: { batchSize: 10, pauseMs: 0, batchesPerSlice: 2 },
      workerOptions: { interceptors: { activity: [() => ({ inbound: crashAfterSecondSlice() })] } },
    });
    try {
      const t = await env.tenant('team');
      await seed(t, 95, 40);
      await seed(t, 12, 10);
      const { id } = await env.admin.admin.retention.runNow({});
      const run = await waitForRun(id);
      expect(run.state).toBe('completed');
      expect(await count(t, { 'actor.id': 'seed-40' })).toBe(0);
      expect(await count(t, { 'actor.id': 'seed-10' })).toBe(12);
      expect(run.deletedByWorkspace[t.workspaceId]).toBe(95);
      expect(slices).toBeGreaterThan(2);
    } finally {
      await worker.stop();
    }
  });
});

describe('admin.retention and retention.status', () => {
  it('runs now, reports, refuses a future asOf and tells customers what is kept', async () => {
    const worker = await env.startWorker({ retentionPacing: { batchSize: 50, pauseMs: 0, batchesPerSlice: 5 } });
    try {
      const t = await env.tenant('enterprise');
      await seed(t, 3, 400);
      await seed(t, 2, 100);
      const before = await t.caller.retention.status({});
      expect(before).toMatchObject({ workspaceId: t.workspaceId, plan: 'enterprise', retentionDays: 365 });
      expect(Date.parse(before.oldestEventAt!)).toBeLessThan(Date.now() - 399 * DAY);
      const next = new Date(before.nextPurgeAt);
      expect(next.getUTCHours()).toBe(3);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(DAY);

      await expect(
        env.admin.admin.retention.runNow({ asOf: new Date(Date.now() + 3_600_000).toISOString() }),
      ).rejects.toThrow(/asOf: must not be later than now/);
      await expect(t.caller.admin.retention.runNow({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

      const { id } = await env.admin.admin.retention.runNow({});
      const run = await waitForRun(id);
      expect(run).toMatchObject({ state: 'completed', trigger: 'manual', totalDeleted: 3 });
      expect(await count(t, { 'actor.id': 'seed-100' })).toBe(2);

      const after = await t.caller.retention.status({});
      expect(after.lastPurgeAt).toBe(run.finishedAt);
      expect(Date.parse(after.oldestEventAt!)).toBeGreaterThan(Date.now() - 101 * DAY);

      const org = await env.callerFor(
        (await env.admin.admin.apiKeys.create({ organizationId: t.organizationId, scopes: ['events:read'] })).key,
      );
      expect((await org.retention.status({ workspaceId: t.workspaceId })).workspaceId).toBe(t.workspaceId);
      const stranger = await env.tenant('team');
      await expect(stranger.caller.retention.status({ workspaceId: t.workspaceId })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    } finally {
      await worker.stop();
    }
  });

  it('never runs two purges together', async () => {
    const worker = await env.startWorker({ retentionPacing: { batchSize: 1, pauseMs: 50, batchesPerSlice: 2 } });
    try {
      const t = await env.tenant('free');
      await seed(t, 30, 45);
      const first = await env.admin.admin.retention.runNow({});
      await expect(env.admin.admin.retention.runNow({})).rejects.toMatchObject({ code: 'CONFLICT' });
      const run = await waitForRun(first.id);
      expect(run.totalDeleted).toBe(30);
    } finally {
      await worker.stop();
    }
  });
});
