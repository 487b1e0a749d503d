import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, searchTokens, type Plan } from '@audit/shared';
import { purgeSigningInput } from '@audit/shared/integrity/checkpoint';
import { expandRanges } from '@audit/shared/integrity/seq-ranges';
import { verifyText } from '@audit/shared/integrity/signing';
import type { DeliveryDoc, NewEvent, WorkspaceDoc } from '@audit/store';
import { openTestEnv, type TestEnv } from '@audit/testing';
import { signingKeyFrom } from '../checkpoints/signing-key.ts';
import type { PageInput, PageResult } from './retention-activities.ts';

const DAY = 86_400_000;
const AS_OF = new Date('2026-11-30T03:00:00.000Z');
const PLANS: Plan[] = ['enterprise', 'team', 'free'];

let env: TestEnv;
let client: Client;
beforeAll(async () => {
  env = await openTestEnv();
  const connection = await Connection.connect({ address: env.deps.config.TEMPORAL_ADDRESS });
  client = new Client({ connection, namespace: env.deps.config.TEMPORAL_NAMESPACE });
});
afterAll(async () => {
  await client?.connection.close();
  await env?.close();
});

interface Seeded {
  ws: WorkspaceDoc;
  /** Seqs of its 400-day-old events: expired on every plan. */
  expiredSeqs: number[];
  /** It holds only an expired delivery record, no expired event. */
  oldDelivery: string | null;
}

function aged(ws: WorkspaceDoc, days: number[]): NewEvent[] {
  return days.map((d, i) => {
    const recordedAt = new Date(AS_OF.getTime() - d * DAY + i);
    const id = newId('event', recordedAt.getTime());
    const e = { category: 'lock' as const, action: 'created', actor: { type: 'user', id: `age-${d}` } };
    return {
      ...{ _id: id, workspaceId: ws._id, organizationId: ws.organizationId, ...e, target: null, description: null },
      ...{ metadata: {}, occurredAt: recordedAt, recordedAt, context: {}, idempotencyKey: null, idem: `auto:${id}` },
      tokens: searchTokens(e),
    };
  });
}

function oldDelivery(ws: WorkspaceDoc): DeliveryDoc {
  const at = new Date(AS_OF.getTime() - 400 * DAY);
  const hook = 'whk_01J00000000000000000000000';
  return {
    ...{ _id: newId('delivery', at.getTime()), workspaceId: ws._id, webhookId: hook, kind: 'stream', streamId: hook },
    ...{ eventIds: [], seqs: [], fromClaim: 1, status: 'succeeded', attempts: 1, createdAt: at, updatedAt: at },
    ...{ lastAttemptAt: at, nextAttemptAt: null, lastResponseStatus: 204, lastError: null },
  };
}

/**
 * `count` workspaces stored directly (plans in turn), each with two 10-day-old events; every
 * `expiredEvery`-th also holds three 400-day-old ones, and the three after the first of those
 * hold only an expired delivery record.
 */
async function seedWorkspaces(count: number, expiredEvery: number): Promise<Seeded[]> {
  const organizationId = (await env.admin.admin.organizations.create({ name: 'many workspaces' })).id;
  const out: Seeded[] = [];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const now = new Date();
      const plan = PLANS[i % 3]!;
      const ws: WorkspaceDoc = {
        ...{ _id: newId('workspace'), organizationId, name: `ws ${i}`, plan },
        createdAt: now,
        updatedAt: now,
      };
      await env.deps.store.workspaces.insert(ws);
      const expired = i % expiredEvery === 0;
      const days = expired ? [10, 10, 400, 400, 400] : [10, 10];
      const stored = await env.deps.store.events.insertForWorkspace(ws._id, aged(ws, days));
      const withDelivery = i > 0 && i < 4;
      if (withDelivery) await env.deps.store.deliveries.col.insertOne(oldDelivery(ws));
      const expiredSeqs = stored.filter((s) => s.event.actor.id === 'age-400').map((s) => s.event.seq);
      out.push({ ws, expiredSeqs, oldDelivery: withDelivery ? ws._id : null });
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  return out;
}

async function purge(runId: string, workspacePage: number) {
  const handle = await client.workflow.start('retentionPurge', {
    workflowId: `retention:test:${runId}`,
    taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
    args: [{ runId, asOf: AS_OF.toISOString(), trigger: 'manual', workspacePage }],
  });
  await handle.result();
  return { report: (await env.deps.store.retentionRuns.findById(runId))!, handle };
}

async function ages(workspaceId: string): Promise<string[]> {
  return (await env.deps.store.events.col.find({ workspaceId }).toArray()).map((e) => e.actor.id).sort();
}
const numeric = (a: number, b: number) => a - b;

describe('a purge pass over many workspaces', () => {
  it('checks each with probes, a page per activity call, and purges only those with something expired', async () => {
    const worker = await env.startWorker({ retentionPacing: { batchSize: 2, pauseMs: 0, batchesPerSlice: 4 } });
    try {
      const seeded = await seedWorkspaces(300, 20);
      const runId = newId('retentionRun');
      const { report, handle } = await purge(runId, 50);

      expect(report.status).toBe('completed');
      for (const s of seeded) {
        expect(await ages(s.ws._id), s.ws._id).toEqual(['age-10', 'age-10']);
        expect(report.deletedByWorkspace[s.ws._id]).toBe(s.expiredSeqs.length || undefined);
      }
      const withOldDelivery = seeded.filter((s) => s.oldDelivery).map((s) => s.ws._id);
      expect(withOldDelivery).toHaveLength(3);
      expect(await env.deps.store.deliveries.col.countDocuments({ workspaceId: { $in: withOldDelivery } })).toBe(0);
      expect(report.totalDeleted).toBe(Object.values(report.deletedByWorkspace).reduce((a, b) => a + b, 0));

      // Each deletion is explained by a signed record listing exactly the seqs that went.
      const key = signingKeyFrom(env.deps.config);
      for (const s of seeded.filter((x) => x.expiredSeqs.length > 0)) {
        const records = (await env.deps.store.purgeRecords.listForWorkspace(s.ws._id)).filter((r) => r.runId === runId);
        expect(records.flatMap((r) => expandRanges(r.seqs)).sort(numeric)).toEqual([...s.expiredSeqs].sort(numeric));
        for (const r of records) expect(verifyText(purgeSigningInput(r), r.signature, key.publicKey)).toBe(true);
      }

      // Pages of 50 and calls cut short by the 4-batch budget, never a call per workspace.
      const history = await handle.fetchHistory();
      const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
      const calls = scheduled.filter((name) => name === 'purgeWorkspacePage').length;
      expect(calls).toBeGreaterThanOrEqual(300 / 50);
      expect(calls).toBeLessThan(300 / 5);

      const again = await purge(newId('retentionRun'), 50);
      expect(again.report.totalDeleted).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('resumes a retried page call after the last workspace it finished', async () => {
    const seeded = (await seedWorkspaces(40, 4)).sort((a, b) => (a.ws._id < b.ws._id ? -1 : 1));
    const crashAfter = seeded[20]!.ws._id;
    type Attempt = { attempt: number; details: unknown; result?: PageResult; input: PageInput };
    const attempts: Attempt[] = [];
    const crashMidPage = (): ActivityInboundCallsInterceptor => ({
      async execute(input, next) {
        const ctx = Context.current();
        if (ctx.info.activityType !== 'purgeWorkspacePage') return next(input);
        const { attempt, heartbeatDetails: details } = ctx.info;
        const seen: Attempt = { attempt, details, input: input.args[0] as PageInput };
        attempts.push(seen);
        if (ctx.info.attempt === 1) {
          const send = ctx.heartbeat;
          // The worker is lost right after it reported the position past `crashAfter`.
          Object.assign(ctx, {
            heartbeat: (d: { afterId: string | null }) => {
              send(d);
              if (d.afterId === crashAfter) throw new Error('worker lost mid-page');
            },
          });
        }
        const result = (await next(input)) as PageResult;
        seen.result = result;
        return result;
      },
    });
    const worker = await env.startWorker({
      retentionPacing: { batchSize: 50, pauseMs: 0, batchesPerSlice: 100 },
      workerOptions: { interceptors: { activity: [() => ({ inbound: crashMidPage() })] } },
    });
    try {
      const runId = newId('retentionRun');
      const { report } = await purge(runId, 1_000);
      expect(report.status).toBe('completed');
      for (const s of seeded) {
        expect(await ages(s.ws._id)).toEqual(['age-10', 'age-10']);
        expect(report.deletedByWorkspace[s.ws._id]).toBe(s.expiredSeqs.length || undefined);
      }
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      const [first, retry] = attempts;
      expect(first!.result).toBeUndefined();
      expect(retry!.details).toEqual({ afterId: crashAfter });
      // The retry checked only what lay after the crash, not the whole page again.
      const total = await env.deps.store.workspaces.col.countDocuments({});
      const after = await env.deps.store.workspaces.col.countDocuments({ _id: { $gt: crashAfter } });
      expect(retry!.result).toEqual({ afterId: expect.any(String), checked: after, done: true });
      expect(after).toBeLessThan(total);
    } finally {
      await worker.stop();
    }
  });
});
