import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { appRouter, createCallerFactory, createContext, createTemporal, type ApiDeps } from '@audit/api';
import { authenticate } from '@audit/api/auth';
import { freePort } from '@audit/local-servers';
import { eventually, lockCreated, useWorkerSuite, type Caller, type Tenant } from '@audit/testing';
import { ensureSchedule, reconciliationScheduleDefinition, supervisorScheduleDefinition } from '@audit/worker';
import type { ReconcileReport, SupervisorReport } from '@audit/workflows';

// The smallest lookback allowed: a pass looks 6 s before the previous one began.
const LOOKBACK_MS = 6_000;
const suite = useWorkerSuite({ STREAM_SUPERVISOR_LOOKBACK_MS: String(LOOKBACK_MS), WEBHOOK_LINGER_MS: '200' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let runs = 0;
/** One supervisor pass, run as the Schedule runs it: the workflow on the suite's worker. */
function pass(): Promise<SupervisorReport> {
  const { config } = suite.env.deps;
  return suite.env.deps.temporal!.workflow.execute('streamSupervisor', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `supervise-${config.TEMPORAL_TASK_QUEUE}-${++runs}`,
    args: [],
  });
}

function reconcile(): Promise<ReconcileReport> {
  const { config } = suite.env.deps;
  return suite.env.deps.temporal!.workflow.execute('streamReconciliation', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `reconcile-${config.TEMPORAL_TASK_QUEUE}-${++runs}`,
    args: [],
  });
}

/**
 * The same API over a Temporal that answers nothing: changes and records are stored, and every
 * wake-up they try is lost. Left open: its calls are still in the client's retries (see the
 * durability tests).
 */
async function unreachableTemporal(t: Tenant): Promise<Caller> {
  const deps: ApiDeps = {
    ...suite.env.deps,
    temporal: createTemporal({ ...suite.env.deps.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }),
  };
  return createCallerFactory(appRouter)(
    createContext(deps, await authenticate(suite.env.deps.store, suite.env.deps.config.ADMIN_TOKEN, `Bearer ${t.key}`)),
  );
}

const streamOf = (webhookId: string) => suite.env.deps.temporal!.workflow.getHandle(`stream:${webhookId}`);
const statusOf = async (webhookId: string) =>
  (
    await streamOf(webhookId)
      .describe()
      .catch(() => null)
  )?.status.name ?? 'MISSING';

async function idle(webhookId: string): Promise<void> {
  await eventually(
    async () => {
      const s = (await streamOf(webhookId).query('state')) as { steps: number; waitingFor: string | null };
      return s.steps > 0 && s.waitingFor === 'idle';
    },
    30_000,
    'the stream idle',
  );
}

describe('the stream supervisor', () => {
  it('starts the streams of destinations created while Temporal was unreachable: at first by a full walk, then by what changed', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await suite.receiver();
    const down = await unreachableTemporal(t);
    const first = (await down.webhooks.create({ url: rx.url, categories: ['lock'] })).webhook;
    expect(await statusOf(first.id)).toBe('MISSING');

    // No pass yet: nothing says what changed, so the first walks every enabled destination.
    const walk = await pass();
    expect(walk).toMatchObject({ since: null, full: true, changed: 0, destinations: 1, ensured: 1, failed: 0 });
    await eventually(async () => (await statusOf(first.id)) === 'RUNNING', 15_000, 'the first stream running');

    const second = (await down.webhooks.create({ url: rx.url, categories: ['lock'] })).webhook;
    expect(await statusOf(second.id)).toBe('MISSING');
    const report = await pass();
    expect(report).toMatchObject({ full: false, failed: 0 });
    expect(report.since).not.toBeNull();
    expect(report.changed).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await statusOf(second.id)) === 'RUNNING', 15_000, 'the second stream running');
    const ev = await t.caller.events.record(lockCreated(1));
    await rx.waitFor(2, (r) => r.body.includes(ev.id), 15_000);
  });

  it('leaves a disabled destination stopped, and restarts it once re-enabled while Temporal was unreachable', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await suite.receiver();
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    await eventually(async () => (await statusOf(webhook.id)) === 'RUNNING', 15_000, 'the stream running');
    await t.caller.webhooks.update({ id: webhook.id, enabled: false });
    await eventually(async () => (await statusOf(webhook.id)) === 'COMPLETED', 15_000, 'the disabled stream ended');

    const disabled = await pass();
    expect(disabled.changed).toBeGreaterThanOrEqual(1);
    expect(await statusOf(webhook.id)).toBe('COMPLETED');

    const down = await unreachableTemporal(t);
    await down.webhooks.update({ id: webhook.id, enabled: true });
    expect(await statusOf(webhook.id)).toBe('COMPLETED');
    const report = await pass();
    expect(report.failed).toBe(0);
    expect(report.changed).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await statusOf(webhook.id)) === 'RUNNING', 15_000, 'the re-enabled stream running');
    const ev = await t.caller.events.record(lockCreated(2));
    await rx.waitFor(1, (r) => r.body.includes(ev.id), 15_000);
  });

  it('wakes a stream left idle behind its workspace when the wake-up was lost', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await suite.receiver();
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    await idle(webhook.id);
    // The destination's creation leaves the passes' window: only the workspace's events bring it back.
    await sleep(LOOKBACK_MS + 500);
    expect((await pass()).failed).toBe(0);
    const down = await unreachableTemporal(t);
    const ev = await down.events.record(lockCreated(3));
    // Past the grace a freshly idle stream gets; nothing has told the stream meanwhile.
    await sleep(5_500);
    expect(rx.requests).toHaveLength(0);

    const report = await pass();
    expect(report).toMatchObject({ changed: 0, workspaces: 1, destinations: 1, ensured: 1, woken: 1, failed: 0 });
    await rx.waitFor(1, (r) => r.body.includes(ev.id), 15_000);
  });

  it('looks at nothing when nothing changed, at one workspace when one changed, and the hourly walk at everything', async () => {
    const a = await suite.env.tenant('enterprise');
    const b = await suite.env.tenant('enterprise');
    const rx = await suite.receiver();
    const a1 = (await a.caller.webhooks.create({ url: rx.url, categories: ['lock'] })).webhook;
    const a2 = (await a.caller.webhooks.create({ url: rx.url, categories: ['lock'] })).webhook;
    const b1 = (await b.caller.webhooks.create({ url: rx.url, categories: ['lock'] })).webhook;
    for (const w of [a1, a2, b1]) await idle(w.id);
    await sleep(LOOKBACK_MS + 500);
    expect((await pass()).failed).toBe(0);

    const quiet = await pass();
    expect(quiet).toMatchObject({
      full: false,
      changed: 0,
      workspaces: 0,
      destinations: 0,
      ensured: 0,
      woken: 0,
      failed: 0,
    });

    // A stream lost from Temporal: only the hourly walk looks at destinations nothing changed.
    await streamOf(b1.id).terminate('lost in a test');
    await a.caller.webhooks.update({ id: a1.id, description: 'renamed' });
    const one = await pass();
    // The change, and its workspace (whose audit event advanced it): A's two destinations, not B's.
    expect(one).toMatchObject({ changed: 1, workspaces: 1, destinations: 2, failed: 0 });
    expect(await statusOf(b1.id)).toBe('TERMINATED');

    const enabled = await suite.env.deps.store.webhooks.col.countDocuments({ enabled: true });
    const walk = await reconcile();
    expect(walk).toMatchObject({ destinations: enabled, ensured: enabled, failed: 0, pages: 1 });
    await eventually(async () => (await statusOf(b1.id)) === 'RUNNING', 15_000, 'the lost stream running again');
  });

  it('runs from two Schedules, overlap SKIP: the pass every 30 s, the walk every hour', async () => {
    const { config } = suite.env.deps;
    const client = new Client({
      connection: suite.env.deps.temporal!.connection,
      namespace: config.TEMPORAL_NAMESPACE,
    });
    for (const [def, type, everyMs] of [
      [
        supervisorScheduleDefinition(config.TEMPORAL_TASK_QUEUE, `supervisor-${config.TEMPORAL_TASK_QUEUE}`),
        'streamSupervisor',
        30_000,
      ],
      [
        reconciliationScheduleDefinition(config.TEMPORAL_TASK_QUEUE, `reconcile-${config.TEMPORAL_TASK_QUEUE}`),
        'streamReconciliation',
        3_600_000,
      ],
    ] as const) {
      const handle = client.schedule.getHandle(def.scheduleId);
      try {
        expect(await ensureSchedule(client, def)).toBe('created');
        const d = await handle.describe();
        expect(d.spec.intervals?.[0]?.every).toBe(everyMs);
        expect(d.policies.overlap).toBe('SKIP');
        expect(d.action).toMatchObject({
          type: 'startWorkflow',
          workflowType: type,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
        });
        await handle.trigger();
        const action = await eventually(
          async () => (await handle.describe()).info.recentActions[0]?.action,
          15_000,
          `${type} fired`,
        );
        const report = (await client.workflow.getHandle(action.workflow.workflowId).result()) as {
          failed: number;
          destinations: number;
        };
        expect(report.failed).toBe(0);
      } finally {
        await handle.delete().catch(() => {});
      }
    }
  });
});
