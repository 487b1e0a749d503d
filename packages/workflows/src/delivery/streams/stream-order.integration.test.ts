import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ManagedProcess } from '@audit/local-servers';
import { newId, searchTokens } from '@audit/shared';
import { claimId, encodeClaim, type EventDoc } from '@audit/store';
import {
  eventually,
  lockCreated,
  openTestEnv,
  seqsOf,
  startReceiver,
  type Receiver,
  type TestEnv,
} from '@audit/testing';
import { mutate, startApiProcess } from '@audit/testing/drills';

let env: TestEnv;
let logDir: string;
const receivers: Receiver[] = [];
const procs: ManagedProcess[] = [];
beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: '0,200,400', WEBHOOK_LINGER_MS: '200' });
  logDir = await mkdtemp(join(tmpdir(), 'stream-order-'));
  await env.startWorker();
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await env?.close();
  await rm(logDir, { recursive: true, force: true });
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function apiProcess(): Promise<string> {
  const port = await freePort();
  const c = env.deps.config;
  procs.push(
    await startApiProcess({
      port,
      mongodbUri: c.MONGODB_URI,
      db: c.MONGODB_DB,
      temporalAddress: c.TEMPORAL_ADDRESS,
      logDir,
      env: { ADMIN_TOKEN: c.ADMIN_TOKEN, TEMPORAL_TASK_QUEUE: c.TEMPORAL_TASK_QUEUE },
    }),
  );
  return `http://127.0.0.1:${port}`;
}

describe('stream order and completeness', () => {
  it('delivers every acknowledged event in seq order while two API processes write one workspace', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'], batchSize: 50 });
    const apis = await Promise.all([apiProcess(), apiProcess()]);
    const acked: number[] = [];
    // Both processes claim ranges of the same workspace at once, single events and batches
    // mixed, so claims commit out of seq order.
    await Promise.all(
      apis.flatMap((url, p) =>
        Array.from({ length: 3 }, async (_, lane) => {
          for (let i = 0; i < 12; i++) {
            const n = p * 1000 + lane * 100 + i;
            const r =
              i % 3 === 0
                ? await mutate(url, 'events.recordBatch', { events: [lockCreated(n), lockCreated(n + 50)] }, t.key)
                : await mutate(url, 'events.record', lockCreated(n), t.key);
            if (r.status !== 200) throw new Error(`record answered ${JSON.stringify(r).slice(0, 300)}`);
            const data = (r as { body: { result: { data: any } } }).body.result.data;
            acked.push(...(data.events ? data.events.map((e: { seq: number }) => e.seq) : [data.seq]));
          }
        }),
      ),
    );
    const want = [...acked].sort((a, b) => a - b);
    await eventually(
      async () => seqsOf(rx.requests, secret).length >= want.length,
      45_000,
      `${want.length} events delivered`,
    );
    expect(seqsOf(rx.requests, secret)).toEqual(want);
    console.log(`[measure] two API processes: ${want.length} events, ${rx.requests.length} requests, all in seq order`);
  });

  it('rolls forward a claim whose writer died before inserting its events, in its place in the order', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const before = await t.caller.events.record(lockCreated(1));
    // A writer that claimed the next numbers and died: the claim is there, its event is not.
    const log = env.deps.store.streamLog;
    const first = await log.chainEnd(t.workspaceId);
    const now = new Date();
    const orphan = {
      ...lockCreated(2),
      _id: newId('event'),
      workspaceId: t.workspaceId,
      organizationId: t.organizationId,
      seq: first,
      occurredAt: now,
      recordedAt: now,
      idempotencyKey: 'died-writer',
      idem: 'died-writer',
      tokens: searchTokens(lockCreated(2)),
    } as unknown as EventDoc;
    await log.claims.insertOne(
      encodeClaim({
        _id: claimId(t.workspaceId, first),
        workspaceId: t.workspaceId,
        first,
        last: first,
        claimedAt: now,
        events: [orphan],
      }),
    );
    // It died before moving the head too: the next writer finds the claim by colliding with it.
    const after = await t.caller.events.record(lockCreated(3));
    await eventually(async () => seqsOf(rx.requests, secret).length >= 3, 20_000, 'three events delivered');
    expect(seqsOf(rx.requests, secret)).toEqual([before.seq, first, after.seq]);
    // The log holds it now too: a retry with the same idempotency key finds it.
    const retried = await t.caller.events.record({ ...lockCreated(2), idempotencyKey: 'died-writer' });
    expect(retried.id).toBe(orphan._id);
  });

  it('backfills from a time, replays a range, resumes after a disable, and skips with resumeFrom now', async () => {
    const t = await env.tenant('enterprise');
    const { events: old } = await t.caller.events.recordBatch({
      events: [lockCreated(1), lockCreated(2), lockCreated(3)],
    });
    await new Promise((r) => setTimeout(r, 50));
    const mid = new Date().toISOString();
    // Recorded in a later millisecond than `mid`: a record call can take less than one.
    await new Promise((r) => setTimeout(r, 5));
    const { events: recent } = await t.caller.events.recordBatch({ events: [lockCreated(4), lockCreated(5)] });
    const rx = await receiver();
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'], startFrom: mid });
    const live = await t.caller.events.record(lockCreated(6));
    await eventually(async () => seqsOf(rx.requests, secret).length >= 3, 15_000, 'backfill and live event');
    expect(seqsOf(rx.requests, secret)).toEqual([...recent.map((e) => e.seq), live.seq]);

    const replay = await t.caller.webhooks.replay({
      id: webhook.id,
      since: new Date(Date.parse(mid) - 60_000).toISOString(),
      until: mid,
    });
    expect(replay.untilSeq).toBe(old.at(-1)!.seq);
    await eventually(async () => seqsOf(rx.requests, secret).length >= 6, 15_000, 'replayed range');
    expect(seqsOf(rx.requests, secret).slice(3)).toEqual(old.map((e) => e.seq));
    const replayed = (await t.caller.webhooks.deliveries({ webhookId: webhook.id, limit: 100 })).items.filter(
      (d) => d.kind === 'replay',
    );
    expect(replayed.flatMap((d) => d.eventIds)).toEqual(old.map((e) => e.id));

    await t.caller.webhooks.update({ id: webhook.id, enabled: false });
    const whileOff = await t.caller.events.record(lockCreated(7));
    await new Promise((r) => setTimeout(r, 600));
    expect(seqsOf(rx.requests, secret)).not.toContain(whileOff.seq);
    const off = await t.caller.webhooks.get({ id: webhook.id });
    expect(off.stream).toMatchObject({ state: 'disabled' });
    expect(off.stream!.backlog).toBeGreaterThanOrEqual(1);
    await t.caller.webhooks.update({ id: webhook.id, enabled: true });
    await eventually(
      async () => seqsOf(rx.requests, secret).includes(whileOff.seq),
      15_000,
      'resumed where it stopped',
    );

    await t.caller.webhooks.update({ id: webhook.id, enabled: false });
    const skipped = await t.caller.events.record(lockCreated(8));
    await t.caller.webhooks.update({ id: webhook.id, enabled: true, resumeFrom: 'now' });
    const fresh = await t.caller.events.record(lockCreated(9));
    await eventually(async () => seqsOf(rx.requests, secret).includes(fresh.seq), 15_000, 'live after resume from now');
    expect(seqsOf(rx.requests, secret)).not.toContain(skipped.seq);
  });
});
