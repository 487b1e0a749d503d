import { describe, expect, it } from 'vitest';
import { eventually, lockCreated, seqsOf, type Tenant, useWorkerSuite, verifyBatch } from '@audit/testing';

const suite = useWorkerSuite({ WEBHOOK_RETRY_SCHEDULE: '0,200,400', WEBHOOK_LINGER_MS: '300' });
const receiver = suite.receiver;

async function recordMany(t: Tenant, count: number, per = 500): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < count; i += per) {
    const { events } = await t.caller.events.recordBatch({
      events: Array.from({ length: Math.min(per, count - i) }, (_, j) => lockCreated(i + j)),
    });
    seqs.push(...events.map((e) => e.seq));
  }
  return seqs;
}

describe('destination streams', () => {
  it('delivers 2,000 events as CloudEvents batches of at most 100, in seq order, each verified and parsed', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    expect(webhook).toMatchObject({
      format: 'cloudevents',
      batchSize: 100,
      compression: 'none',
      stream: { state: 'running', deliveredThrough: null },
    });
    const seqs = await recordMany(t, 2_000);
    await eventually(async () => seqsOf(rx.requests, secret).length >= 2_000, 60_000, '2,000 events delivered');
    for (const r of rx.requests) {
      expect(r.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
      const batch = verifyBatch(r, secret);
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(100);
      expect(r.headers['webhook-id']).toMatch(/^dlv_/);
    }
    expect(seqsOf(rx.requests, secret)).toEqual(seqs);
    const view = await eventually(async () => {
      const w = await t.caller.webhooks.get({ id: webhook.id });
      return w.stream?.deliveredThrough?.seq === seqs.at(-1) ? w : null;
    });
    expect(view.stream).toMatchObject({
      state: 'running',
      backlog: 0,
      lagSeconds: 0,
      lastDelivery: { status: 'succeeded', responseStatus: 204 },
    });
    // One workflow for the destination, whose query tells what it did.
    const handle = suite.env.deps.temporal!.workflow.getHandle(`stream:${webhook.id}`);
    const state = await handle.query<{ delivered: number; steps: number; last: { state: string } | null }>('state');
    expect(state.delivered).toBe(2_000);
    expect(state.last?.state).toBe('running');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    console.log(`[measure] 2,000 events in ${rx.requests.length} requests`);
  });

  it('lingers a lone event, then sends it within about a second', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const started = Date.now();
    const ev = await t.caller.events.record(lockCreated());
    const [req] = await rx.waitFor(1, (r) => r.body.includes(ev.id), 10_000);
    const batch = verifyBatch(req!, secret);
    expect(batch.map((e) => e.id)).toEqual([ev.id]);
    expect(req!.at - started).toBeLessThan(2_000);
    console.log(`[measure] lone event: record → receiver ${req!.at - started} ms (linger 300 ms)`);
  });

  it('retries a batch whole with the same webhook-id through 503 and Retry-After, and keeps order', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver((_req, n) =>
      n === 0 ? { status: 503 } : n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, batchSize: 10, categories: ['lock'] });
    const seqs = await recordMany(t, 35, 35);
    await eventually(async () => new Set(seqsOf(rx.requests, secret)).size >= 35, 20_000, 'all 35 delivered');
    const [a, b, c] = rx.requests;
    expect(a!.headers['webhook-id']).toBe(b!.headers['webhook-id']);
    expect(b!.headers['webhook-id']).toBe(c!.headers['webhook-id']);
    expect(verifyBatch(a!, secret).map((e) => e.id)).toEqual(verifyBatch(c!, secret).map((e) => e.id));
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(950);
    // Retries repeat the same batch; past them, every event once and in order.
    const distinct = [...new Map(rx.requests.map((r) => [r.headers['webhook-id'], r])).values()];
    expect(seqsOf(distinct, secret)).toEqual(seqs);
    // The last batch settles just after its request arrives.
    const items = await eventually(async () => {
      const page = (await t.caller.webhooks.deliveries({ webhookId: webhook.id, limit: 100 })).items;
      return page.every((d) => d.status === 'succeeded') ? page : null;
    });
    expect(items.every((d) => d.count <= 10)).toBe(true);
    const first = items.at(-1)!;
    expect(first.attempts.map((x) => [x.attempt, x.status, x.responseStatus])).toEqual([
      [1, 'failed', 503],
      [2, 'failed', 429],
      [3, 'succeeded', 200],
    ]);
  });

  it('marks a batch refused with a 4xx failed and moves on; the event says which delivery carried it', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver((_req, n) => (n === 0 ? { status: 400, body: 'nope' } : { status: 204 }));
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, batchSize: 2, categories: ['lock'] });
    const { events } = await t.caller.events.recordBatch({ events: [lockCreated(1), lockCreated(2), lockCreated(3)] });
    await eventually(async () => seqsOf(rx.requests, secret).length >= 3, 15_000, 'three events sent');
    expect(rx.requests).toHaveLength(2);
    const failed = await t.caller.webhooks.deliveries({ webhookId: webhook.id, eventId: events[0]!.id });
    expect(failed.event).toMatchObject({ state: 'failed', seq: events[0]!.seq });
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]).toMatchObject({ status: 'failed', eventIds: [events[0]!.id, events[1]!.id], count: 2 });
    const ok = await t.caller.webhooks.deliveries({ webhookId: webhook.id, eventId: events[2]!.id });
    expect(ok.event).toMatchObject({ state: 'delivered' });
    await t.caller.webhooks.redeliver({ deliveryId: failed.items[0]!.id });
    await rx.waitFor(3);
    expect(rx.requests[2]!.headers['webhook-id']).toBe(failed.items[0]!.id);
    const again = await eventually(async () => {
      const d = (await t.caller.webhooks.deliveries({ webhookId: webhook.id, eventId: events[0]!.id })).items[0]!;
      return d.status === 'succeeded' ? d : null;
    });
    expect(again.attempts.map((x) => x.trigger)).toEqual(['scheduled', 'manual']);
  });

  it('filters by category without breaking the order of what it sends', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['release'] });
    const { events } = await t.caller.events.recordBatch({
      events: Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0 ? { ...lockCreated(i), category: 'release' as const, action: 'created' } : lockCreated(i),
      ),
    });
    const want = events.filter((e) => e.category === 'release').map((e) => e.seq);
    const release = 'pro.atmos.release.created';
    await eventually(
      async () => seqsOf(rx.requests, secret, release).length >= want.length,
      15_000,
      'releases delivered',
    );
    expect(seqsOf(rx.requests, secret, release)).toEqual(want);
    expect(rx.requests.flatMap((r) => verifyBatch(r, secret)).every((e) => e.type === release)).toBe(true);
  });
});
