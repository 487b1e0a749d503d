import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, searchTokens, type Plan } from '@audit/shared';
import { claimId, encodeClaim, type AttemptDoc, type ClaimDoc, type DeliveryDoc, type NewEvent } from '@audit/store';
import { openTestEnv, type RunningWorker, type Tenant, type TestEnv } from '@audit/testing';

const DAY = 86_400_000;
const AS_OF = new Date('2026-11-30T03:00:00.000Z');
const AGES = [29, 31, 364, 366];

let env: TestEnv;
let client: Client;
let worker: RunningWorker;
beforeAll(async () => {
  env = await openTestEnv();
  client = new Client({
    connection: await Connection.connect({ address: env.deps.config.TEMPORAL_ADDRESS }),
    namespace: env.deps.config.TEMPORAL_NAMESPACE,
  });
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
      return {
        _id: id,
        workspaceId: t.workspaceId,
        organizationId: t.organizationId,
        ...e,
        target: null,
        description: `${d} days old`,
        metadata: { days: d },
        occurredAt: recordedAt,
        recordedAt,
        context: {},
        idempotencyKey: null,
        idem: `auto:${id}`,
        tokens: searchTokens(e),
      };
    }),
  );
  await env.deps.store.events.insertForWorkspace(t.workspaceId, docs);
}

async function remainingAges(t: Tenant): Promise<number[]> {
  const docs = await env.deps.store.events.col.find({ workspaceId: t.workspaceId, 'actor.id': /^age-/ }).toArray();
  return [...new Set(docs.map((d) => Number(d.actor.id.slice(4))))].sort((a, b) => a - b);
}

async function purge(
  asOf: Date,
  runId = newId('retentionRun'),
  tuning: { maxHistory?: number; workspacePage?: number } = {},
) {
  await client.workflow.execute('retentionPurge', {
    workflowId: `retention:test:${runId}`,
    taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
    args: [{ runId, asOf: asOf.toISOString(), trigger: 'manual', ...tuning }],
  });
  return (await env.deps.store.retentionRuns.findById(runId))!;
}

describe('retention purge workflow', () => {
  it('removes exactly the expired events of each plan and reports them', async () => {
    const tenants: Record<Plan, Tenant> = {
      enterprise: await env.tenant('enterprise'),
      team: await env.tenant('team'),
      free: await env.tenant('free'),
    };
    for (const t of Object.values(tenants)) await seedAged(t, AGES, 5);
    const report = await purge(AS_OF);

    expect(await remainingAges(tenants.enterprise)).toEqual([29, 31, 364]);
    expect(await remainingAges(tenants.team)).toEqual([29]);
    expect(await remainingAges(tenants.free)).toEqual([29]);
    expect(report.status).toBe('completed');
    expect(report.deletedByWorkspace[tenants.enterprise.workspaceId]).toBe(5);
    expect(report.deletedByWorkspace[tenants.team.workspaceId]).toBe(15);
    expect(report.deletedByWorkspace[tenants.free.workspaceId]).toBe(15);
    expect(report.cutoffs).toEqual({
      enterprise: '2025-11-30T03:00:00.000Z',
      team: '2026-10-31T03:00:00.000Z',
      free: '2026-10-31T03:00:00.000Z',
    });
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

  it('purges deliveries, attempts and stream claims by their own timestamps, not by their events', async () => {
    const t = await env.tenant('enterprise');
    await seedAged(t, [366, 29]);
    const oldEvent = 'age-366';
    const youngEvent = 'age-29';
    const byAge = Object.fromEntries(
      (await env.deps.store.events.col.find({ workspaceId: t.workspaceId, 'actor.id': /^age-/ }).toArray()).map((e) => [
        e.actor.id,
        e,
      ]),
    );
    const at = (days: number) => new Date(AS_OF.getTime() - days * DAY);
    // Crossed on purpose: an old batch of a young event goes, a young batch of an old event stays.
    const rows = [
      { days: 366, eventId: byAge[youngEvent]!._id },
      { days: 364, eventId: byAge[oldEvent]!._id },
      { days: 29, eventId: byAge[oldEvent]!._id },
    ].map(({ days, eventId }, i) => ({
      days,
      deliveryId: newId('delivery', at(days).getTime()),
      eventId,
      seq: 1_000_000 + i * 10,
    }));
    const deliveries: DeliveryDoc[] = rows.map((r) => ({
      _id: r.deliveryId,
      workspaceId: t.workspaceId,
      webhookId: 'whk_01J00000000000000000000000',
      kind: 'stream',
      streamId: 'whk_01J00000000000000000000000',
      eventIds: [r.eventId],
      seqs: [r.seq],
      fromClaim: r.seq,
      status: 'succeeded',
      attempts: 1,
      createdAt: at(r.days),
      updatedAt: at(r.days),
      lastAttemptAt: at(r.days),
      nextAttemptAt: null,
      lastResponseStatus: 204,
      lastError: null,
    }));
    await env.deps.store.deliveries.col.insertMany(deliveries);
    // Attempts by when they started: a retry of the 366-day-old batch made a day inside retention stays.
    const attempts: AttemptDoc[] = [
      ...rows.map((r) => ({ deliveryId: r.deliveryId, days: r.days })),
      { deliveryId: rows[0]!.deliveryId, days: 364 },
    ].map((x, i) => ({
      _id: newId('attempt', at(x.days).getTime()),
      workspaceId: t.workspaceId,
      deliveryId: x.deliveryId,
      webhookId: 'whk_01J00000000000000000000000',
      attempt: i + 1,
      trigger: 'scheduled',
      status: 'succeeded',
      responseStatus: 204,
      responseBody: null,
      durationMs: 3,
      bytes: 100,
      error: null,
      startedAt: at(x.days),
      nextAttemptAt: null,
    }));
    await env.deps.store.deliveries.attempts.insertMany(attempts);
    // Stream claims (and their commit marks) by when they were claimed, far past this workspace's own chain.
    const claims: ClaimDoc[] = rows.map((r) =>
      encodeClaim({
        _id: claimId(t.workspaceId, r.seq),
        workspaceId: t.workspaceId,
        first: r.seq,
        last: r.seq,
        claimedAt: at(r.days),
        events: [],
      }),
    );
    await env.deps.store.streamLog.claims.insertMany(claims);
    await env.deps.store.streamLog.commits.insertMany(
      claims.map((c) => ({ _id: c._id, workspaceId: t.workspaceId, unused: [], committedAt: c.claimedAt })),
    );

    const report = await purge(AS_OF);
    expect(report.status).toBe('completed');
    expect(report.deletedByWorkspace[t.workspaceId]).toBe(1);
    expect(await remainingAges(t)).toEqual([29]);
    const ids = (docs: { _id: string }[]) => docs.map((d) => d._id).sort();
    const young = rows.filter((r) => r.days <= 365);
    expect(ids(await env.deps.store.deliveries.col.find({ workspaceId: t.workspaceId }).toArray())).toEqual(
      young.map((r) => r.deliveryId).sort(),
    );
    expect(ids(await env.deps.store.deliveries.attempts.find({ workspaceId: t.workspaceId }).toArray())).toEqual(
      attempts
        .filter((a) => a.startedAt.getTime() >= at(365).getTime())
        .map((a) => a._id)
        .sort(),
    );
    const ourClaims = (await env.deps.store.streamLog.claims.find({ workspaceId: t.workspaceId }).toArray()).filter(
      (c) => c.first >= 1_000_000,
    );
    expect(ids(ourClaims)).toEqual(young.map((r) => claimId(t.workspaceId, r.seq)).sort());
    const ourCommits = (await env.deps.store.streamLog.commits.find({ workspaceId: t.workspaceId }).toArray()).filter(
      (c) => claims.some((k) => k._id === c._id),
    );
    expect(ids(ourCommits)).toEqual(young.map((r) => claimId(t.workspaceId, r.seq)).sort());
    // The workspace's own chain, claimed just now, is untouched.
    expect(
      await env.deps.store.streamLog.claims.countDocuments({ workspaceId: t.workspaceId, first: { $lt: 1_000_000 } }),
    ).toBeGreaterThan(0);

    const again = await purge(AS_OF);
    expect(again.totalDeleted).toBe(0);
    expect(await env.deps.store.deliveries.col.countDocuments({ workspaceId: t.workspaceId })).toBe(young.length);
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
