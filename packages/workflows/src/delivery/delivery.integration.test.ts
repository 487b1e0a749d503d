import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamViewOf } from '@audit/api';
import {
  eventually,
  lockCreated,
  openTestEnv,
  seqsOf,
  startReceiver,
  verifyBatch,
  verifySignature,
  type ReceivedRequest,
  type Receiver,
  type Tenant,
  type TestEnv,
} from '@audit/testing';

let env: TestEnv;
const receivers: Receiver[] = [];
beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: '0,200,400', WEBHOOK_LINGER_MS: '300' });
  await env.startWorker();
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

const LOCK_TYPE = 'pro.atmos.lock.created';
/** A request that carries this event (any format: the id is in the body or in `ce-id`). */
const carrying = (eventId: string) => (r: ReceivedRequest) =>
  r.headers['ce-id'] === eventId || r.body.includes(eventId);
/** The CloudEvent ids a request carries, verified and parsed as a receiver would. */
const idsIn = (r: ReceivedRequest, secret: string) => verifyBatch(r, secret).map((e) => e.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deliveriesOf(t: Tenant, webhookId: string) {
  return (await t.caller.webhooks.deliveries({ webhookId, limit: 100 })).items;
}

/** The batch that carried the event, once it has settled as `status`. */
async function settled(t: Tenant, webhookId: string, eventId: string, status: 'succeeded' | 'failed') {
  return eventually(
    async () => (await t.caller.webhooks.deliveries({ webhookId, eventId })).items.find((d) => d.status === status),
    30_000,
    `the batch carrying ${eventId} ${status}`,
  );
}

describe('delivery', () => {
  it('structured mode: one signed CloudEvent per request, that standardwebhooks verifies and the SDK parses', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret } = await t.caller.webhooks.create({
      url: rx.url,
      format: 'cloudevents-structured',
      headers: { 'X-Siem-Token': 'token-0123456789abcdef' },
      categories: ['lock'],
    });
    expect(webhook).toMatchObject({ format: 'cloudevents-structured', batchSize: 1 });
    const started = Date.now();
    const ev = await t.caller.events.record(
      lockCreated(0, { target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' } }),
    );
    const [req] = await rx.waitFor(1, carrying(ev.id), 30_000);
    const latencyMs = req!.at - started;
    expect(latencyMs).toBeLessThan(3_000);

    expect(req!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(req!.headers['x-siem-token']).toBe('token-0123456789abcdef');
    expect(req!.headers['webhook-id']).toMatch(/^dlv_/);
    const events = verifyBatch(req!, secret);
    expect(events).toHaveLength(1);
    const ce = events[0]!;
    expect(ce.specversion).toBe('1.0');
    expect(ce.id).toBe(ev.id);
    expect(ce.type).toBe(LOCK_TYPE);
    expect(ce.source).toBe(`http://audit.test/workspaces/${t.workspaceId}`);
    expect(ce.subject).toBe('stk_prod_vpc');
    expect(ce.time).toBe(ev.occurredAt);
    expect(ce.datacontenttype).toBe('application/json');
    expect(ce['auditseq']).toBe(String(ev.seq));
    expect(ce.data).toEqual({
      actor: ev.actor,
      action: { category: 'lock', action: 'created' },
      target: ev.target,
      description: ev.description,
      metadata: ev.metadata,
      workspaceId: t.workspaceId,
      organizationId: t.organizationId,
      recordedAt: ev.recordedAt,
    });
    expect(() => verifySignature(req!, `whsec_${Buffer.alloc(32, 7).toString('base64')}`)).toThrow();

    const delivery = await settled(t, webhook.id, ev.id, 'succeeded');
    expect(delivery).toMatchObject({
      id: req!.headers['webhook-id'],
      kind: 'stream',
      eventIds: [ev.id],
      seqs: { first: ev.seq, last: ev.seq },
      count: 1,
    });
    expect(delivery.attempts).toMatchObject([
      { attempt: 1, trigger: 'scheduled', status: 'succeeded', responseStatus: 204, error: null, nextAttemptAt: null },
    ]);

    // Several events at once still go one per request, in seq order, each its own delivery.
    const { events: three } = await t.caller.events.recordBatch({
      events: [lockCreated(1), lockCreated(2), lockCreated(3)],
    });
    await eventually(async () => seqsOf(rx.requests, secret).length >= 4, 30_000, 'four lock events');
    const reqs = rx.requests.slice(1);
    expect(reqs.map((r) => idsIn(r, secret))).toEqual(three.map((e) => [e.id]));
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size).toBe(4);
    console.log(`[measure] structured mode, record → receiver: ${latencyMs} ms (linger 300 ms)`);
  });

  it('binary mode: attributes in ce-* headers, data as the body, one event per request', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({
      url: rx.url,
      format: 'cloudevents-binary',
      categories: ['lock'],
    });
    const { events: two } = await t.caller.events.recordBatch({ events: [lockCreated(1), lockCreated(2)] });
    const reqs = await rx.waitFor(2, undefined, 30_000);
    for (const [i, req] of reqs.entries()) {
      const ev = two[i]!;
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['ce-id']).toBe(ev.id);
      expect(req.headers['webhook-id']).toMatch(/^dlv_/);
      const parsed = verifyBatch(req, secret);
      expect(parsed).toHaveLength(1);
      const ce = parsed[0]!;
      expect(ce.id).toBe(ev.id);
      expect(ce.type).toBe(LOCK_TYPE);
      expect(ce['auditseq']).toBe(String(ev.seq));
      expect(ce.data?.['action']).toEqual({ category: 'lock', action: 'created' });
    }
    expect(reqs[0]!.headers['webhook-id']).not.toBe(reqs[1]!.headers['webhook-id']);
  });

  it('filters by category, sends nothing to disabled or deleted destinations, and a re-enabled one resumes from its position', async () => {
    const t = await env.tenant('enterprise');
    const [locks, releases, all, disabled, deleted] = await Promise.all([
      receiver(),
      receiver(),
      receiver(),
      receiver(),
      receiver(),
    ]);
    const l = await t.caller.webhooks.create({ url: locks.url, categories: ['lock'] });
    const r = await t.caller.webhooks.create({ url: releases.url, categories: ['release'] });
    const a = await t.caller.webhooks.create({ url: all.url });
    const d = await t.caller.webhooks.create({ url: disabled.url, categories: ['lock', 'release'] });
    await t.caller.webhooks.update({ id: d.webhook.id, enabled: false });
    const x = await t.caller.webhooks.create({ url: deleted.url, categories: ['lock', 'release'] });
    await t.caller.webhooks.delete({ id: x.webhook.id });

    const lock = await t.caller.events.record(lockCreated());
    const release = await t.caller.events.record({ ...lockCreated(), category: 'release', action: 'created' });
    await eventually(
      async () => {
        const ids = all.requests.flatMap((q) => idsIn(q, a.secret));
        return ids.includes(lock.id) && ids.includes(release.id);
      },
      30_000,
      'both events at the catch-all destination',
    );
    await locks.waitFor(1, carrying(lock.id), 30_000);
    await releases.waitFor(1, carrying(release.id), 30_000);
    await sleep(1_000);
    expect(locks.requests.flatMap((q) => idsIn(q, l.secret))).toEqual([lock.id]);
    expect(releases.requests.flatMap((q) => idsIn(q, r.secret))).toEqual([release.id]);
    // The catch-all destination also gets the service's own events, after and before ours, in seq order.
    const allSeqs = all.requests.flatMap((q) => verifyBatch(q, a.secret).map((e) => Number(e['auditseq'])));
    expect(allSeqs).toEqual([...allSeqs].sort((p, q) => p - q));
    expect(disabled.requests).toHaveLength(0);
    expect(deleted.requests).toHaveLength(0);

    // Disabled keeps its position: enabling it delivers what was recorded meanwhile.
    await t.caller.webhooks.update({ id: d.webhook.id, enabled: true });
    await eventually(
      async () => seqsOf(disabled.requests, d.secret, 'pro.atmos.release.created').length === 1,
      30_000,
      'the re-enabled destination caught up',
    );
    expect(disabled.requests.flatMap((q) => idsIn(q, d.secret))).toEqual([lock.id, release.id]);
    await sleep(500);
    expect(deleted.requests).toHaveLength(0);
  });

  it('pauses streaming when the workspace leaves the Enterprise plan, and resumes from its position after an upgrade', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'team' });
    const held = await t.caller.events.record(lockCreated(1));
    // Woken on purpose: a stream that looks while the plan has no streaming sends nothing.
    const handle = env.deps.temporal!.workflow.getHandle(`stream:${webhook.id}`);
    await handle.signal('wake');
    const state = await eventually(
      async () => {
        const s = (await handle.query('state')) as { last: { state: string } | null };
        return s.last?.state === 'paused' ? s : null;
      },
      30_000,
      'the stream paused',
    );
    expect(state.last).toMatchObject({ state: 'paused', sent: 0 });
    await sleep(1_000);
    expect(rx.requests).toHaveLength(0);
    const ws = (await env.deps.store.workspaces.findById(t.workspaceId))!;
    const hook = (await env.deps.store.webhooks.findForWorkspace(t.workspaceId, webhook.id))!;
    const view = await streamViewOf(env.deps, ws, hook);
    expect(view).toMatchObject({ state: 'paused', deliveredThrough: null });
    expect(view!.backlog).toBeGreaterThanOrEqual(1);
    await expect(t.caller.webhooks.get({ id: webhook.id })).rejects.toThrow(/Enterprise plan/);

    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'enterprise' });
    const next = await t.caller.events.record(lockCreated(2));
    await eventually(async () => seqsOf(rx.requests, secret).length >= 2, 30_000, 'both events after the upgrade');
    expect(seqsOf(rx.requests, secret)).toEqual([held.seq, next.seq]);
  });

  it('refuses a batch at once on a non-retryable 4xx, gives up after the schedule on 5xx, and warns once the failures run', async () => {
    const t = await env.tenant('enterprise');
    const bad = await receiver(() => ({ status: 400, body: 'x'.repeat(10_000) }));
    const down = await receiver(() => ({ status: 500, body: 'busy' }));
    const b = await t.caller.webhooks.create({ url: bad.url, categories: ['lock'] });
    const d = await t.caller.webhooks.create({ url: down.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    const badDelivery = await settled(t, b.webhook.id, ev.id, 'failed');
    const downDelivery = await settled(t, d.webhook.id, ev.id, 'failed');
    expect(bad.requests).toHaveLength(1);
    expect(badDelivery.attempts).toHaveLength(1);
    expect(badDelivery.attempts[0]!.responseBody).toHaveLength(4096);
    expect(badDelivery.attempts[0]).toMatchObject({
      status: 'failed',
      responseStatus: 400,
      error: 'HTTP 400',
      nextAttemptAt: null,
    });

    // Three attempts of one batch, the same webhook-id and the same events each time.
    expect(down.requests).toHaveLength(3);
    expect(new Set(down.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([downDelivery.id]));
    for (const r of down.requests) expect(idsIn(r, d.secret)).toEqual([ev.id]);
    expect(down.requests[1]!.at - down.requests[0]!.at).toBeGreaterThanOrEqual(170);
    expect(downDelivery.attempts.map((a) => [a.attempt, a.status, a.responseStatus, a.responseBody, a.error])).toEqual([
      [1, 'failed', 500, 'busy', 'HTTP 500'],
      [2, 'failed', 500, 'busy', 'HTTP 500'],
      [3, 'failed', 500, 'busy', 'HTTP 500'],
    ]);
    expect(downDelivery.attempts[0]!.nextAttemptAt).not.toBeNull();
    expect(downDelivery.attempts.at(-1)!.nextAttemptAt).toBeNull();
    expect((await t.caller.webhooks.deliveries({ webhookId: d.webhook.id, eventId: ev.id })).event).toMatchObject({
      state: 'failed',
      deliveryId: downDelivery.id,
    });

    // Three failed attempts in a row: one warning event, and the destination stays enabled.
    const warnings = await eventually(
      async () => {
        const found = await env.deps.store.events.col
          .find({ workspaceId: t.workspaceId, 'metadata.change': 'webhook_failing' })
          .toArray();
        return found.length > 0 ? found : null;
      },
      30_000,
      'a warning event',
    );
    expect(warnings.map((w) => w.metadata['webhookId'])).toEqual([d.webhook.id]);
    expect(warnings[0]!.metadata).toMatchObject({ severity: 'warning', consecutiveFailures: 3 });
    expect((await t.caller.webhooks.get({ id: d.webhook.id })).enabled).toBe(true);
  });

  it('disables the destination on 410 Gone, with an audit event, and sends it nothing more', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver(() => ({ status: 410 }));
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    await settled(t, webhook.id, ev.id, 'failed');
    const after = await eventually(
      async () => {
        const w = await t.caller.webhooks.get({ id: webhook.id });
        return w.enabled ? null : w;
      },
      30_000,
      'disabled',
    );
    expect(after).toMatchObject({ enabled: false, disabledReason: 'gone', stream: { state: 'disabled' } });
    const audit = await eventually(
      () =>
        env.deps.store.events.col.findOne({
          workspaceId: t.workspaceId,
          'metadata.change': 'webhook_disabled',
          'metadata.reason': 'gone',
        }),
      30_000,
      'the audit event',
    );
    expect(audit.target).toMatchObject({ type: 'webhook', id: webhook.id });
    await t.caller.events.record(lockCreated());
    await sleep(1_000);
    expect(rx.requests).toHaveLength(1);
  });

  it('disables a destination that has failed every attempt for five days', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver(() => ({ status: 500 }));
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000);
    await env.deps.store.webhooks.health.insertOne({
      _id: webhook.id,
      workspaceId: t.workspaceId,
      failingSince: sixDaysAgo,
      consecutiveFailures: 40,
      warnedAt: sixDaysAgo,
      lastSuccessAt: null,
    });
    await t.caller.events.record(lockCreated());
    const disabled = await eventually(
      async () => {
        const w = await t.caller.webhooks.get({ id: webhook.id });
        return w.enabled ? null : w;
      },
      30_000,
      'disabled',
    );
    expect(disabled).toMatchObject({ disabledReason: 'failing', failingSince: sixDaysAgo.toISOString() });
    const audit = await eventually(
      () =>
        env.deps.store.events.col.findOne({
          workspaceId: t.workspaceId,
          'metadata.change': 'webhook_disabled',
          'metadata.reason': 'failing',
        }),
      30_000,
      'the audit event',
    );
    expect(audit.description).toContain('failed for 5 days');
    const enabled = await t.caller.webhooks.update({ id: webhook.id, enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret: oldSecret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const rotated = await t.caller.webhooks.rotateSecret({ id: webhook.id });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const ev = await t.caller.events.record(lockCreated());
    const [req] = await rx.waitFor(1, carrying(ev.id), 30_000);
    expect(req!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(idsIn(req!, rotated.secret)).toEqual([ev.id]);
    expect(idsIn(req!, oldSecret)).toEqual([ev.id]);

    // Once the overlap is over, only the new secret signs.
    await env.deps.store.webhooks.col.updateOne(
      { _id: webhook.id },
      { $set: { 'secrets.1.expiresAt': new Date(Date.now() - 1000) } },
    );
    const ev2 = await t.caller.events.record(lockCreated());
    const [late] = await rx.waitFor(1, carrying(ev2.id), 30_000);
    expect(rx.requests).toHaveLength(2);
    expect(late!.headers['webhook-id']).not.toBe(req!.headers['webhook-id']);
    expect(late!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(idsIn(late!, rotated.secret)).toEqual([ev2.id]);
    expect(() => verifyBatch(late!, oldSecret)).toThrow();
  });

  it('redelivers one batch, and recovers every failed batch created since a time', async () => {
    const t = await env.tenant('enterprise');
    let healthy = false;
    const rx = await receiver(() => ({ status: healthy ? 200 : 400 }));
    // One event per batch, so each event's failure is a batch of its own.
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'], batchSize: 1 });
    const before = await t.caller.events.record(lockCreated(0));
    const beforeDelivery = await settled(t, webhook.id, before.id, 'failed');
    await sleep(20);
    const since = new Date().toISOString();
    const { events } = await t.caller.events.recordBatch({ events: [lockCreated(1), lockCreated(2)] });
    const failed = await Promise.all(events.map((e) => settled(t, webhook.id, e.id, 'failed')));
    expect(failed.map((f) => f.eventIds)).toEqual(events.map((e) => [e.id]));
    healthy = true;

    await t.caller.webhooks.redeliver({ deliveryId: failed[0]!.id });
    const one = await settled(t, webhook.id, events[0]!.id, 'succeeded');
    expect(one.id).toBe(failed[0]!.id);
    expect(one.attempts.map((a) => [a.attempt, a.trigger, a.status])).toEqual([
      [1, 'scheduled', 'failed'],
      [2, 'manual', 'succeeded'],
    ]);
    await expect(t.caller.webhooks.redeliver({ deliveryId: 'dlv_01J00000000000000000000000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // Only the batch created since `since` that still failed: not the one before, not the one redelivered.
    const rec = await t.caller.webhooks.recover({ webhookId: webhook.id, since });
    expect(rec).toMatchObject({ redelivered: 1, deliveryIds: [failed[1]!.id], more: false });
    const two = await settled(t, webhook.id, events[1]!.id, 'succeeded');
    expect(two.attempts.map((a) => [a.trigger, a.status])).toEqual([
      ['scheduled', 'failed'],
      ['manual', 'succeeded'],
    ]);
    expect((await t.caller.webhooks.deliveries({ webhookId: webhook.id, eventId: events[1]!.id })).event).toMatchObject(
      { state: 'delivered', deliveryId: failed[1]!.id },
    );
    // Each redelivered batch went twice under its own webhook-id, with the same event, verifiable.
    for (const f of failed) {
      const sent = rx.requests.filter((r) => r.headers['webhook-id'] === f.id);
      expect(sent).toHaveLength(2);
      for (const r of sent) expect(idsIn(r, secret)).toEqual(f.eventIds);
    }
    const failedNow = await t.caller.webhooks.deliveries({ webhookId: webhook.id, status: 'failed' });
    expect(failedNow.items.map((d) => d.id)).toEqual([beforeDelivery.id]);
  });

  it('pages deliveries newest first with a cursor', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'], batchSize: 1 });
    const { events } = await t.caller.events.recordBatch({ events: [lockCreated(1), lockCreated(2), lockCreated(3)] });
    await rx.waitFor(3, undefined, 30_000);
    await eventually(
      async () => (await deliveriesOf(t, webhook.id)).filter((d) => d.status === 'succeeded').length === 3,
      30_000,
      'three batches settled',
    );
    const p1 = await t.caller.webhooks.deliveries({ webhookId: webhook.id, limit: 2 });
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = await t.caller.webhooks.deliveries({ webhookId: webhook.id, limit: 2, cursor: p1.nextCursor! });
    expect(p2.items).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    const all = [...p1.items, ...p2.items];
    // Newest first: the batches in reverse seq order.
    expect(all.map((d) => d.eventIds)).toEqual([...events].reverse().map((e) => [e.id]));
    expect(all.map((d) => d.seqs.first)).toEqual([...events].reverse().map((e) => e.seq));
    await expect(t.caller.webhooks.deliveries({ webhookId: webhook.id, cursor: 'bogus' })).rejects.toThrow(
      /cursor: is not a cursor/,
    );
  });

  it("webhooks.test sends a verifiable one-event batch in the destination's format and reports the outcome", async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver((_r, n) => (n === 1 ? { status: 500 } : { status: 200, body: 'hello' }));
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['release'] });
    const ok = await t.caller.webhooks.test({ id: webhook.id });
    expect(ok).toMatchObject({ ok: true, responseStatus: 200, responseBody: 'hello', error: null });
    const first = rx.requests[0]!;
    expect(first.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
    expect(first.headers['webhook-id']).toMatch(/^dlv_/);
    const batch = verifyBatch(first, secret);
    expect(batch).toHaveLength(1);
    expect(batch[0]!.type).toBe('pro.atmos.webhook.test');
    expect(batch[0]!.source).toBe(`http://audit.test/workspaces/${t.workspaceId}`);

    const bad = await t.caller.webhooks.test({ id: webhook.id });
    expect(bad).toMatchObject({ ok: false, responseStatus: 500, error: 'HTTP 500' });

    // In a single-event format, the test is that format's request.
    await t.caller.webhooks.update({ id: webhook.id, format: 'cloudevents-structured' });
    expect(await t.caller.webhooks.test({ id: webhook.id })).toMatchObject({ ok: true, responseStatus: 200 });
    const third = rx.requests[2]!;
    expect(third.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(verifyBatch(third, secret).map((e) => e.type)).toEqual(['pro.atmos.webhook.test']);

    expect(rx.requests).toHaveLength(3);
    expect(await deliveriesOf(t, webhook.id)).toHaveLength(0);
    expect(await env.deps.store.deliveries.col.countDocuments({ workspaceId: t.workspaceId })).toBe(0);
  });

  it("makes the destination's stream workflow searchable by workspace and destination", async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    await rx.waitFor(1, carrying(ev.id), 30_000);
    const query = `AuditWebhookId = "${webhook.id}" AND AuditWorkspaceId = "${t.workspaceId}"`;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of env.deps.temporal!.workflow.list({ query })) ids.push(w.workflowId);
        return ids.length > 0 ? ids : null;
      },
      30_000,
      'the stream in visibility',
    );
    expect(found).toEqual([`stream:${webhook.id}`]);
  });
});
