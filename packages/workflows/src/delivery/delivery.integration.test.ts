import { CloudEvent, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openTestEnv, startReceiver, type ReceivedRequest, type Receiver, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
const receivers: Receiver[] = [];
beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: '0,200,400' });
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

const lockCreated = (extra: Record<string, unknown> = {}) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' },
  description: 'Locked the production VPC stack',
  metadata: { reason: 'incident 42' },
  context: { ip: '203.0.113.9' },
  ...extra,
});

const ofType = (type: string) => (r: ReceivedRequest) => r.headers['ce-type'] === type || r.body.includes(`"type":"${type}"`);
const LOCK = ofType('pro.atmos.lock.created');

/** Exactly what a receiver does: verify with the public library, then parse with the CloudEvents SDK. */
function verifyAndParse(req: ReceivedRequest, secret: string): CloudEvent<Record<string, any>> {
  new Webhook(secret).verify(req.body, req.headers);
  return HTTP.toEvent({ headers: req.headers, body: req.body }) as CloudEvent<Record<string, any>>;
}

async function deliveriesOf(t: Tenant, webhookId: string) {
  return (await t.caller.webhooks.deliveries({ webhookId })).items;
}

async function settled(t: Tenant, webhookId: string, eventId: string, status: 'succeeded' | 'failed') {
  return eventually(async () => (await deliveriesOf(t, webhookId)).find((d) => d.eventId === eventId && d.status === status), 15_000, `delivery ${status}`);
}

describe('delivery', () => {
  it('delivers a signed structured CloudEvent that standardwebhooks verifies and the SDK parses', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, headers: { 'X-Siem-Token': 'token-0123456789abcdef' } });
    const started = Date.now();
    const ev = await t.caller.events.record(lockCreated());
    const [req] = await rx.waitFor(1, LOCK);
    const latencyMs = req!.at - started;
    expect(latencyMs).toBeLessThan(1_000);

    expect(req!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(req!.headers['x-siem-token']).toBe('token-0123456789abcdef');
    expect(req!.headers['webhook-id']).toBe(ev.id);
    const ce = verifyAndParse(req!, secret);
    expect(ce.specversion).toBe('1.0');
    expect(ce.id).toBe(ev.id);
    expect(ce.type).toBe('pro.atmos.lock.created');
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
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(req!.body, req!.headers)).toThrow();

    const delivery = await settled(t, webhook.id, ev.id, 'succeeded');
    expect(delivery.attempts).toMatchObject([{ attempt: 1, trigger: 'scheduled', status: 'succeeded', responseStatus: 204, error: null, nextAttemptAt: null }]);
    console.log(`[measure] record → receiver: ${latencyMs} ms`);
  });

  it('sends binary mode when the destination asks for it', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, format: 'binary' });
    const ev = await t.caller.events.record(lockCreated());
    const [req] = await rx.waitFor(1, LOCK);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['ce-id']).toBe(ev.id);
    const ce = verifyAndParse(req!, secret);
    expect(ce.type).toBe('pro.atmos.lock.created');
    expect(ce['auditseq']).toBe(String(ev.seq));
    expect(ce.data?.['action']).toEqual({ category: 'lock', action: 'created' });
  });

  it('filters by category, and skips disabled and deleted destinations', async () => {
    const t = await env.tenant('enterprise');
    const [locks, releases, all, disabled, deleted] = await Promise.all([receiver(), receiver(), receiver(), receiver(), receiver()]);
    await t.caller.webhooks.create({ url: locks.url, categories: ['lock'] });
    await t.caller.webhooks.create({ url: releases.url, categories: ['release'] });
    await t.caller.webhooks.create({ url: all.url });
    const d = await t.caller.webhooks.create({ url: disabled.url });
    await t.caller.webhooks.update({ id: d.webhook.id, enabled: false });
    const x = await t.caller.webhooks.create({ url: deleted.url });
    await t.caller.webhooks.delete({ id: x.webhook.id });
    disabled.requests.length = 0;
    deleted.requests.length = 0;

    const lock = await t.caller.events.record(lockCreated());
    const release = await t.caller.events.record({ ...lockCreated(), category: 'release', action: 'created' });
    await all.waitFor(2, (r) => r.headers['webhook-id'] === lock.id || r.headers['webhook-id'] === release.id);
    await locks.waitFor(1, LOCK);
    await releases.waitFor(1, ofType('pro.atmos.release.created'));
    await new Promise((r) => setTimeout(r, 300));
    expect(locks.requests.map((r) => r.headers['webhook-id'])).toEqual([lock.id]);
    expect(releases.requests.map((r) => r.headers['webhook-id'])).toEqual([release.id]);
    expect(disabled.requests).toHaveLength(0);
    expect(deleted.requests).toHaveLength(0);
  });

  it('stops streaming when the workspace leaves the Enterprise plan', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    await env.admin.admin.workspaces.setPlan({ workspaceId: t.workspaceId, plan: 'team' });
    await t.caller.events.record(lockCreated());
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.requests).toHaveLength(0);
    expect(await env.deps.store.dispatchOutbox.countForWorkspace(t.workspaceId)).toBe(0);
  });

  it('retries on 5xx and succeeds, recording every attempt with the same webhook-id', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver((req, n) => (LOCK(req) && rx.requests.filter(LOCK).length === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    const reqs = await rx.waitFor(2, LOCK);
    expect(reqs.map((r) => r.headers['webhook-id'])).toEqual([ev.id, ev.id]);
    for (const r of reqs) verifyAndParse(r, secret);
    const gap = reqs[1]!.at - reqs[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(170);
    const delivery = await settled(t, webhook.id, ev.id, 'succeeded');
    expect(delivery.attemptCount).toBe(2);
    expect(delivery.attempts).toMatchObject([
      { attempt: 1, status: 'failed', responseStatus: 503, responseBody: 'busy', error: 'HTTP 503' },
      { attempt: 2, status: 'succeeded', responseStatus: 200, nextAttemptAt: null },
    ]);
    expect(delivery.attempts[0]!.nextAttemptAt).not.toBeNull();
  });

  it('honours Retry-After over a shorter scheduled wait', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver((_req, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    await t.caller.events.record(lockCreated());
    const reqs = await rx.waitFor(2, LOCK);
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('stops at once on a non-retryable 4xx and gives up after the schedule on 5xx', async () => {
    const t = await env.tenant('enterprise');
    const bad = await receiver(() => ({ status: 400, body: 'x'.repeat(10_000) }));
    const down = await receiver(() => ({ status: 500 }));
    const b = await t.caller.webhooks.create({ url: bad.url, categories: ['lock'] });
    const d = await t.caller.webhooks.create({ url: down.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    const badDelivery = await settled(t, b.webhook.id, ev.id, 'failed');
    const downDelivery = await settled(t, d.webhook.id, ev.id, 'failed');
    expect(bad.requests).toHaveLength(1);
    expect(badDelivery.attempts).toHaveLength(1);
    expect(badDelivery.attempts[0]!.responseBody).toHaveLength(4096);
    expect(down.requests).toHaveLength(3);
    expect(downDelivery.attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
    expect(downDelivery.attempts.at(-1)!.nextAttemptAt).toBeNull();

    // Three failed attempts in a row: one warning event, and the destination stays enabled.
    const warnings = await eventually(async () => {
      const found = await env.deps.store.events.col.find({ workspaceId: t.workspaceId, 'metadata.change': 'webhook_failing' }).toArray();
      return found.length > 0 ? found : null;
    });
    expect(warnings.map((w) => w.metadata['webhookId'])).toEqual([d.webhook.id]);
    expect(warnings[0]!.metadata).toMatchObject({ severity: 'warning', consecutiveFailures: 3 });
    expect((await t.caller.webhooks.get({ id: d.webhook.id })).enabled).toBe(true);
  });

  it('disables the destination on 410 Gone, with an audit event', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver(() => ({ status: 410 }));
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    await settled(t, webhook.id, ev.id, 'failed');
    const after = await t.caller.webhooks.get({ id: webhook.id });
    expect(after).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const audit = await eventually(() => env.deps.store.events.col.findOne({ workspaceId: t.workspaceId, 'metadata.change': 'webhook_disabled', 'metadata.reason': 'gone' }));
    expect(audit.target).toMatchObject({ type: 'webhook', id: webhook.id });
    await t.caller.events.record(lockCreated());
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests).toHaveLength(1);
  });

  it('disables a destination that has failed every attempt for five days', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver(() => ({ status: 500 }));
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000);
    await env.deps.store.webhooks.health.insertOne({ _id: webhook.id, workspaceId: t.workspaceId, failingSince: sixDaysAgo, consecutiveFailures: 40, warnedAt: sixDaysAgo, lastSuccessAt: null });
    await t.caller.events.record(lockCreated());
    const disabled = await eventually(async () => {
      const w = await t.caller.webhooks.get({ id: webhook.id });
      return w.enabled ? null : w;
    });
    expect(disabled).toMatchObject({ disabledReason: 'failing', failingSince: sixDaysAgo.toISOString() });
    const audit = await eventually(() => env.deps.store.events.col.findOne({ workspaceId: t.workspaceId, 'metadata.change': 'webhook_disabled', 'metadata.reason': 'failing' }));
    expect(audit.description).toContain('failed for 5 days');
    const enabled = await t.caller.webhooks.update({ id: webhook.id, enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('signs with both secrets for 24 hours after a rotation', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook, secret: oldSecret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const rotated = await t.caller.webhooks.rotateSecret({ id: webhook.id });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const ev = await t.caller.events.record(lockCreated());
    const [req] = await rx.waitFor(1, LOCK);
    expect(req!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifyAndParse(req!, rotated.secret).id).toBe(ev.id);
    expect(verifyAndParse(req!, oldSecret).id).toBe(ev.id);

    // Once the overlap is over, only the new secret signs.
    await env.deps.store.webhooks.col.updateOne({ _id: webhook.id }, { $set: { 'secrets.1.expiresAt': new Date(Date.now() - 1000) } });
    const ev2 = await t.caller.events.record(lockCreated());
    const [late] = await rx.waitFor(1, (r) => r.headers['webhook-id'] === ev2.id);
    expect(rx.requests.map((r) => r.headers['webhook-id'])).toEqual([ev.id, ev2.id]);
    expect(late!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    verifyAndParse(late!, rotated.secret);
    expect(() => verifyAndParse(late!, oldSecret)).toThrow();
  });

  it('redelivers one delivery, and recovers every failure since a time', async () => {
    const t = await env.tenant('enterprise');
    let healthy = false;
    const rx = await receiver(() => ({ status: healthy ? 200 : 400 }));
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const since = new Date(Date.now() - 1000).toISOString();
    const events = [await t.caller.events.record(lockCreated()), await t.caller.events.record(lockCreated()), await t.caller.events.record(lockCreated())];
    const failed = await Promise.all(events.map((e) => settled(t, webhook.id, e.id, 'failed')));
    healthy = true;

    await t.caller.webhooks.redeliver({ deliveryId: failed[0]!.id });
    const one = await settled(t, webhook.id, events[0]!.id, 'succeeded');
    expect(one.attempts.map((a) => [a.attempt, a.trigger, a.status])).toEqual([
      [1, 'scheduled', 'failed'],
      [2, 'manual', 'succeeded'],
    ]);
    await expect(t.caller.webhooks.redeliver({ deliveryId: 'dlv_01J00000000000000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const rec = await t.caller.webhooks.recover({ webhookId: webhook.id, since });
    expect(rec).toMatchObject({ redelivered: 2, more: false });
    for (const e of events.slice(1)) await settled(t, webhook.id, e.id, 'succeeded');
    const ok = rx.requests.filter((r) => events.some((e) => e.id === r.headers['webhook-id']));
    expect(ok).toHaveLength(6);
    for (const r of ok) verifyAndParse(r, secret);
    const failedNow = await t.caller.webhooks.deliveries({ webhookId: webhook.id, status: 'failed' });
    expect(failedNow.items).toHaveLength(0);
  });

  it('pages deliveries newest first with a cursor', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const { events } = await t.caller.events.recordBatch({ events: [lockCreated(), lockCreated(), lockCreated()] });
    await rx.waitFor(3, LOCK);
    await eventually(async () => (await deliveriesOf(t, webhook.id)).filter((d) => d.status === 'succeeded').length === 3);
    const p1 = await t.caller.webhooks.deliveries({ webhookId: webhook.id, limit: 2 });
    expect(p1.items).toHaveLength(2);
    const p2 = await t.caller.webhooks.deliveries({ webhookId: webhook.id, limit: 2, cursor: p1.nextCursor! });
    expect(p2.nextCursor).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((d) => d.eventId))).toEqual(new Set(events.map((e) => e.id)));
    await expect(t.caller.webhooks.deliveries({ webhookId: webhook.id, cursor: 'bogus' })).rejects.toThrow(/cursor: is not a cursor/);
  });

  it('webhooks.test sends a verifiable test event and reports the outcome', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver((_r, n) => (n === 0 ? { status: 200, body: 'hello' } : { status: 500 }));
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['release'] });
    const ok = await t.caller.webhooks.test({ id: webhook.id });
    expect(ok).toMatchObject({ ok: true, responseStatus: 200, responseBody: 'hello', error: null });
    const ce = verifyAndParse(rx.requests[0]!, secret);
    expect(ce.type).toBe('pro.atmos.webhook.test');
    const bad = await t.caller.webhooks.test({ id: webhook.id });
    expect(bad).toMatchObject({ ok: false, responseStatus: 500, error: 'HTTP 500' });
    expect(await deliveriesOf(t, webhook.id)).toHaveLength(0);
  });

  it('makes delivery workflows searchable by event, workspace and destination', async () => {
    const t = await env.tenant('enterprise');
    const rx = await receiver();
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated());
    await rx.waitFor(1, LOCK);
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const w of env.deps.temporal!.workflow.list({ query: `AuditEventId = "${ev.id}" AND AuditWebhookId = "${webhook.id}" AND AuditWorkspaceId = "${t.workspaceId}"` })) ids.push(w.workflowId);
      return ids.length > 0 ? ids : null;
    });
    expect(found).toEqual([`deliver:${ev.id}:${webhook.id}`]);
  });
});
