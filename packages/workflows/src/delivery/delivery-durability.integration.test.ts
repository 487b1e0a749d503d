import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, createCallerFactory, createContext, createTemporal, type ApiDeps } from '@audit/api';
import { authenticate } from '@audit/api/auth';
import { freePort } from '@audit/local-servers';
import {
  eventually,
  lockCreated,
  openTestEnv,
  seqsOf,
  startReceiver,
  verifyBatch,
  type Receiver,
  type RunningWorker,
  type TestEnv,
} from '@audit/testing';
import { ensureSchedule, supervisorScheduleDefinition } from '@audit/worker';

let env: TestEnv;
const receivers: Receiver[] = [];
beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: '0,1500', WEBHOOK_LINGER_MS: '300' });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await env?.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

describe('durability', () => {
  let worker: RunningWorker;

  it('finishes a batch whose worker was stopped mid-retry on a new worker, with the same webhook-id and the same events', async () => {
    worker = await env.startWorker();
    const t = await env.tenant('enterprise');
    const rx = await receiver((_r, n) => ({ status: n === 0 ? 500 : 200 }));
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const { events } = await t.caller.events.recordBatch({ events: [lockCreated(1), lockCreated(2), lockCreated(3)] });
    await rx.waitFor(1, undefined, 30_000);
    await worker.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(rx.requests).toHaveLength(1);

    worker = await env.startWorker();
    const [first, second] = await rx.waitFor(2, undefined, 30_000);
    expect(second!.at).toBeGreaterThan(stoppedAt);
    expect(first!.headers['webhook-id']).toMatch(/^dlv_/);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    const ids = events.map((e) => e.id);
    expect(verifyBatch(first!, secret).map((e) => e.id)).toEqual(ids);
    expect(verifyBatch(second!, secret).map((e) => e.id)).toEqual(ids);
    const delivery = await eventually(
      async () =>
        (await t.caller.webhooks.deliveries({ webhookId: webhook.id })).items.find((d) => d.status === 'succeeded'),
      30_000,
      'the batch succeeded',
    );
    expect(delivery).toMatchObject({ id: first!.headers['webhook-id'], eventIds: ids, count: 3 });
    expect(delivery.attempts.map((a) => [a.attempt, a.status, a.responseStatus])).toEqual([
      [1, 'failed', 500],
      [2, 'succeeded', 200],
    ]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(rx.requests).toHaveLength(2);
  });

  it('records while Temporal is unreachable, and the supervisor Schedule delivers everything afterwards, in order', async () => {
    if (worker?.worker.getState() !== 'RUNNING') worker = await env.startWorker();
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    // The new stream has looked once and sleeps: from here on, only a wake-up or the supervisor moves it.
    const handle = env.deps.temporal!.workflow.getHandle(`stream:${webhook.id}`);
    await eventually(
      async () => {
        const s = (await handle.query('state')) as { steps: number; waitingFor: string | null };
        return (
          s.steps > 0 &&
          s.waitingFor === 'idle' &&
          (await t.caller.webhooks.get({ id: webhook.id })).stream?.backlog === 0
        );
      },
      30_000,
      'the new stream idle',
    );

    const deadTemporal = createTemporal({ ...env.deps.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const downDeps: ApiDeps = { ...env.deps, temporal: deadTemporal };
    const caller = createCallerFactory(appRouter)(
      createContext(downDeps, await authenticate(env.deps.store, env.deps.config.ADMIN_TOKEN, `Bearer ${t.key}`)),
    );
    const client = new Client({
      connection: env.deps.temporal!.connection,
      namespace: env.deps.config.TEMPORAL_NAMESPACE,
    });
    const def = supervisorScheduleDefinition(
      env.deps.config.TEMPORAL_TASK_QUEUE,
      `supervisor-${env.deps.config.TEMPORAL_TASK_QUEUE}`,
      '2 seconds',
    );
    try {
      const started = Date.now();
      const ev = await caller.events.record(lockCreated(1));
      const recordMs = Date.now() - started;
      const again = Date.now();
      const ev2 = await caller.events.record(lockCreated(2));
      const secondMs = Date.now() - again;
      const { events: more } = await caller.events.recordBatch({
        events: Array.from({ length: 8 }, (_, i) => lockCreated(10 + i)),
      });
      console.log(`[measure] record with Temporal unreachable: first ${recordMs} ms, next ${secondMs} ms`);
      const seqs = [ev.seq, ev2.seq, ...more.map((e) => e.seq)];
      expect(await env.deps.store.events.findForWorkspace(t.workspaceId, ev.id)).not.toBeNull();
      // Nothing woke the stream, but the stream log holds every event: the destination shows them as its backlog.
      const { stream } = await t.caller.webhooks.get({ id: webhook.id });
      expect(stream!.backlog).toBeGreaterThanOrEqual(seqs.length);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(rx.requests).toHaveLength(0);

      const scheduledAt = Date.now();
      await ensureSchedule(client, def);
      await eventually(
        async () => seqsOf(rx.requests, secret).length >= seqs.length,
        60_000,
        'every event recorded meanwhile delivered',
      );
      console.log(
        `[measure] supervisor Schedule delivered the backlog ${Date.now() - scheduledAt} ms after it was created (in ${rx.requests.length} requests)`,
      );
      expect(seqsOf(rx.requests, secret)).toEqual(seqs);
      for (const r of rx.requests) expect(r.headers['webhook-id']).toMatch(/^dlv_/);
      const view = await eventually(
        async () => {
          const w = await t.caller.webhooks.get({ id: webhook.id });
          return w.stream?.deliveredThrough?.seq === seqs.at(-1) ? w : null;
        },
        30_000,
        'the position past the backlog',
      );
      expect(view.stream).toMatchObject({ state: 'running', backlog: 0 });
      // Further passes find nothing to do and deliver nothing twice.
      const count = rx.requests.length;
      await new Promise((r) => setTimeout(r, 4_500));
      expect(rx.requests).toHaveLength(count);
    } finally {
      await client.schedule
        .getHandle(def.scheduleId)
        .delete()
        .catch(() => {});
      // deadTemporal stays open: the recorder's wake-ups are still in the client's gRPC retries, and
      // closing the channel under them throws from a timer. They fail on their own and are logged.
    }
  });
});
