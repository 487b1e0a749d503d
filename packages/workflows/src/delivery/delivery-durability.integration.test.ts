import { Client } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, createCallerFactory, createContext, createTemporal, type ApiDeps } from '@audit/api';
import { authenticate } from '@audit/api/auth';
import { freePort } from '@audit/local-servers';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { ensureSchedule, reconcilerScheduleDefinition } from '@audit/worker';

let env: TestEnv;
const receivers: Receiver[] = [];
beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: '0,1500' });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await env?.close();
});

const lockCreated = () => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_1' },
  target: { type: 'stack', id: 'stk_prod_vpc' },
});

describe('durability', () => {
  it('finishes a delivery whose worker was stopped mid-retry, with the same webhook-id', async () => {
    const worker = await env.startWorker();
    const t = await env.tenant('enterprise');
    const rx = await startReceiver((_r, n) => ({ status: n === 0 ? 500 : 200 }));
    receivers.push(rx);
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    await rx.waitFor(1);
    await worker.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(rx.requests).toHaveLength(1);

    await env.startWorker();
    const [first, second] = await rx.waitFor(2);
    expect(second!.at).toBeGreaterThan(stoppedAt);
    expect(second!.headers['webhook-id']).toBe(ev.id);
    expect(first!.headers['webhook-id']).toBe(ev.id);
    new Webhook(secret).verify(second!.body, second!.headers);
    const delivery = await eventually(async () => (await t.caller.webhooks.deliveries({ webhookId: webhook.id })).items.find((d) => d.status === 'succeeded'));
    expect(delivery.attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
  });

  it('records while Temporal is unreachable, and the reconciler Schedule dispatches afterwards', async () => {
    await env.startWorker();
    const t = await env.tenant('enterprise');
    const rx = await startReceiver();
    receivers.push(rx);
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });

    const deadTemporal = createTemporal({ ...env.deps.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const downDeps: ApiDeps = { ...env.deps, temporal: deadTemporal };
    const caller = createCallerFactory(appRouter)(createContext(downDeps, await authenticate(env.deps.store, env.deps.config.ADMIN_TOKEN, `Bearer ${t.key}`)));
    const started = Date.now();
    const ev = await caller.events.record(lockCreated());
    const recordMs = Date.now() - started;
    const again = Date.now();
    const ev2 = await caller.events.record(lockCreated());
    const secondMs = Date.now() - again;
    console.log(`[measure] record with Temporal unreachable: first ${recordMs} ms, next ${secondMs} ms`);
    expect(await env.deps.store.events.findForWorkspace(t.workspaceId, ev.id)).not.toBeNull();
    expect((await env.deps.store.dispatchOutbox.col.find({ workspaceId: t.workspaceId }).toArray()).map((r) => r._id).sort()).toEqual([ev.id, ev2.id].sort());
    await new Promise((r) => setTimeout(r, 1_200));
    expect(rx.requests).toHaveLength(0);

    const client = new Client({ connection: env.deps.temporal!.connection, namespace: env.deps.config.TEMPORAL_NAMESPACE });
    const def = reconcilerScheduleDefinition(env.deps.config.TEMPORAL_TASK_QUEUE, `reconciler-${env.deps.config.TEMPORAL_TASK_QUEUE}`, '2 seconds');
    const scheduledAt = Date.now();
    await ensureSchedule(client, def);
    try {
      const reqs = await rx.waitFor(2);
      console.log(`[measure] reconciler Schedule dispatched leftovers ${Date.now() - scheduledAt} ms after it was created`);
      expect(reqs.map((r) => r.headers['webhook-id']).sort()).toEqual([ev.id, ev2.id].sort());
      for (const r of reqs) new Webhook(secret).verify(r.body, r.headers);
      await eventually(async () => (await env.deps.store.dispatchOutbox.countForWorkspace(t.workspaceId)) === 0);
      // A second pass finds nothing to do and delivers nothing twice.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(rx.requests).toHaveLength(2);
    } finally {
      await client.schedule.getHandle(def.scheduleId).delete();
      await deadTemporal.connection.close().catch(() => {});
    }
  });
});
