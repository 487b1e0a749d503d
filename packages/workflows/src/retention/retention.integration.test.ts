import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, searchTokens, type Plan } from '@audit/shared';
import type { NewEvent } from '@audit/store';
import { openTestEnv, type RunningWorker, type Tenant, type TestEnv } from '@audit/testing';

const DAY = 86_400_000;
const AS_OF = new Date('2026-11-30T03:00:00.000Z');
const AGES = [29, 31, 364, 366];

let env: TestEnv;
let client: Client;
let worker: RunningWorker;
beforeAll(async () => {
  env = await openTestEnv();
  client = new Client({ connection: await Connection.connect({ address: env.deps.config.TEMPORAL_ADDRESS }), namespace: env.deps.config.TEMPORAL_NAMESPACE });
  worker = await env.startWorker({ retentionPacing: { batchSize: 7, pauseMs: 0, batchesPerSlice: 3 } });
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await env?.close();
});

/** Events recorded `days` before AS_OF, inserted through the store as the API would. */
async function seedAged(t: Tenant, days: number[], copies = 1): Promise<void> {
  const docs: NewEvent[] = days.flatMap((d) =>
    Array.from({ length: copies }, (_, i) => {
      const recordedAt = new Date(AS_OF.getTime() - d * DAY + i);
      const id = newId('event', recordedAt.getTime());
      const e = { category: 'lock' as const, action: 'created', actor: { type: 'user', id: `age-${d}` } };
      return { _id: id, workspaceId: t.workspaceId, organizationId: t.organizationId, ...e, target: null, description: `${d} days old`, metadata: { days: d }, occurredAt: recordedAt, recordedAt, context: {}, idempotencyKey: null, idem: `auto:${id}`, tokens: searchTokens(e) };
    }),
  );
  await env.deps.store.events.insertForWorkspace(t.workspaceId, docs);
}

async function remainingAges(t: Tenant): Promise<number[]> {
  const docs = await env.deps.store.events.col.find({ workspaceId: t.workspaceId, 'actor.id': /^age-/ }).toArray();
  return [...new Set(docs.map((d) => Number(d.actor.id.slice(4))))].sort((a, b) => a - b);
}

async function purge(asOf: Date, runId = newId('retentionRun'), tuning: { maxHistory?: number; workspacePage?: number } = {}) {
  await client.workflow.execute('retentionPurge', {
    workflowId: `retention:test:${runId}`,
    taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
    args: [{ runId, asOf: asOf.toISOString(), trigger: 'manual', ...tuning }],
  });
  return (await env.deps.store.retentionRuns.findById(runId))!;
}

describe('retention purge workflow', () => {
  it('removes exactly the expired events of each plan and reports them', async () => {
    const tenants: Record<Plan, Tenant> = { enterprise: await env.tenant('enterprise'), team: await env.tenant('team'), free: await env.tenant('free') };
    for (const t of Object.values(tenants)) await seedAged(t, AGES, 5);
    const report = await purge(AS_OF);

    expect(await remainingAges(tenants.enterprise)).toEqual([29, 31, 364]);
    expect(await remainingAges(tenants.team)).toEqual([29]);
    expect(await remainingAges(tenants.free)).toEqual([29]);
    expect(report.status).toBe('completed');
    expect(report.deletedByWorkspace[tenants.enterprise.workspaceId]).toBe(5);
    expect(report.deletedByWorkspace[tenants.team.workspaceId]).toBe(15);
    expect(report.deletedByWorkspace[tenants.free.workspaceId]).toBe(15);
    expect(report.cutoffs).toEqual({ enterprise: '2025-11-30T03:00:00.000Z', team: '2026-10-31T03:00:00.000Z', free: '2026-10-31T03:00:00.000Z' });
    expect(report.finishedAt).not.toBeNull();

    const again = await purge(AS_OF);
    expect(again.totalDeleted).toBe(0);
  });

  it('counts the plan at purge time: a downgrade shortens retention, an upgrade brings nothing back', async () => {
    const t = await env.tenant('enterprise');
    await seedAged(t, AGES);
    await purge(AS_OF);
    expect(await remainingAges(t)).toEqual([29, 31, 364]);
    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'team' });
    await purge(AS_OF);
    expect(await remainingAges(t)).toEqual([29]);
    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'enterprise' });
    await purge(AS_OF);
    expect(await remainingAges(t)).toEqual([29]);
  });

  it('removes the delivery records of purged events with them', async () => {
    const t = await env.tenant('enterprise');
    await seedAged(t, [366, 29]);
    const events = await env.deps.store.events.col.find({ workspaceId: t.workspaceId, 'actor.id': /^age-/ }).toArray();
    const attempts = env.deps.store.db.collection('delivery_attempts');
    await attempts.insertMany(events.map((e) => ({ _id: newId('attempt') as never, workspaceId: t.workspaceId, eventId: e._id })));
    await purge(AS_OF);
    const left = await attempts.find({ workspaceId: t.workspaceId }).toArray();
    expect(left.map((a) => a['eventId'])).toEqual(events.filter((e) => e.actor.id === 'age-29').map((e) => e._id));
  });

  it('continues as new on long runs and still purges every workspace once', async () => {
    const tenants = await Promise.all(Array.from({ length: 5 }, () => env.tenant('team')));
    for (const t of tenants) await seedAged(t, [29, 31], 3);
    const runId = newId('retentionRun');
    const report = await purge(AS_OF, runId, { maxHistory: 15, workspacePage: 2 });
    for (const t of tenants) expect(await remainingAges(t)).toEqual([29]);
    expect(report.status).toBe('completed');
    expect(Object.values(report.deletedByWorkspace).reduce((a, b) => a + b, 0)).toBe(report.totalDeleted);
    for (const t of tenants) expect(report.deletedByWorkspace[t.workspaceId]).toBe(3);
    let runs = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = 'retention:test:${runId}'` })) runs += 1;
    expect(runs).toBeGreaterThan(1);
  });
});
