import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, trpcHttp, type TestEnv } from '@audit/testing';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const lockCreated = (extra: Record<string, unknown> = {}) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' },
  description: 'Locked the production VPC stack',
  metadata: { reason: 'incident 42', nested: { ok: true } },
  ...extra,
});

describe('record, list, get', () => {
  it('stores an event with server fields and reads it back', async () => {
    const t = await env.tenant('enterprise');
    const before = Date.now();
    const ev = await t.caller.events.record(lockCreated({ context: { ip: '203.0.113.9', userAgent: 'cli/1.0' } }));
    expect(ev.id).toMatch(/^aud_[0-9A-Z]{26}$/);
    expect(ev.workspaceId).toBe(t.workspaceId);
    expect(ev.organizationId).toBe(t.organizationId);
    expect(Date.parse(ev.recordedAt)).toBeGreaterThanOrEqual(before - 5);
    expect(ev.occurredAt).toBe(ev.recordedAt);
    // Without a request id of its own, the event carries its request's.
    expect(ev.context).toEqual({
      ip: '203.0.113.9',
      userAgent: 'cli/1.0',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const page = await t.caller.events.list({ limit: 10 });
    expect(page.items[0]).toEqual({ ...ev, workspaceName: 'ws enterprise', hasMetadata: true });
    expect(await t.caller.events.get({ id: ev.id })).toEqual(ev);
  });

  it('gives increasing per-workspace sequence numbers in recording order', async () => {
    const t = await env.tenant('team');
    const a = await t.caller.events.record(lockCreated());
    const b = await t.caller.events.record(lockCreated());
    const { events } = await t.caller.events.recordBatch({ events: [lockCreated(), lockCreated(), lockCreated()] });
    const seqs = [a.seq, b.seq, ...events.map((e) => e.seq)];
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(5);
    expect(b.seq).toBe(a.seq + 1);
  });

  it('works over plain HTTP with a bearer key, and names the bad field in errors', async () => {
    const t = await env.tenant('enterprise');
    const http = await env.http();
    try {
      const rec = await trpcHttp(http.url, 'events.record', lockCreated(), { token: t.key });
      expect(rec.status).toBe(200);
      const list = await trpcHttp(http.url, 'events.list', { limit: 5 }, { token: t.key, method: 'GET' });
      expect(list.status).toBe(200);
      expect(list.body.result.data.items[0].id).toBe(rec.body.result.data.id);

      const bad = await trpcHttp(http.url, 'events.record', lockCreated({ description: 'x'.repeat(2001) }), {
        token: t.key,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('description: must be at most 2000 characters');

      const anon = await trpcHttp(http.url, 'events.record', lockCreated());
      expect(anon.status).toBe(401);
      const health = await fetch(`${http.url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${http.url}/readyz`);
      expect(((await ready.json()) as { checks: { mongodb: { ok: boolean } } }).checks.mongodb.ok).toBe(true);
    } finally {
      await http.close();
    }
  });
});

describe('idempotency', () => {
  it('stores one event for concurrent retries with the same key', async () => {
    const t = await env.tenant('enterprise');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.caller.events.record(lockCreated({ idempotencyKey: 'retry-1' }))),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const stored = await env.deps.store.events.col.countDocuments({
      workspaceId: t.workspaceId,
      idempotencyKey: 'retry-1',
    });
    expect(stored).toBe(1);
    const later = await t.caller.events.record(lockCreated({ idempotencyKey: 'retry-1', description: 'changed' }));
    expect(later.id).toBe(results[0]!.id);
    expect(later.description).toBe('Locked the production VPC stack');
  });

  it('scopes keys per workspace and dedupes inside a batch', async () => {
    const a = await env.tenant('team');
    const b = await env.tenant('team');
    const ea = await a.caller.events.record(lockCreated({ idempotencyKey: 'same' }));
    const eb = await b.caller.events.record(lockCreated({ idempotencyKey: 'same' }));
    expect(ea.id).not.toBe(eb.id);
    const { events } = await a.caller.events.recordBatch({
      events: [
        lockCreated({ idempotencyKey: 'n1' }),
        lockCreated({ idempotencyKey: 'n1' }),
        lockCreated({ idempotencyKey: 'same' }),
      ],
    });
    expect(events[0]!.id).toBe(events[1]!.id);
    expect(events[2]!.id).toBe(ea.id);
  });
});

describe('batches', () => {
  it('refuses the whole batch when one event is invalid, naming its index', async () => {
    const t = await env.tenant('enterprise');
    const count = () => env.deps.store.events.col.countDocuments({ workspaceId: t.workspaceId });
    const before = await count();
    const events = [lockCreated(), lockCreated(), lockCreated(), { ...lockCreated(), action: 'exploded' }];
    await expect(t.caller.events.recordBatch({ events })).rejects.toThrow(
      /events\.3\.action: "exploded" is not an action of category "lock"/,
    );
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    await expect(
      t.caller.events.recordBatch({ events: [lockCreated(), lockCreated({ occurredAt: future })] }),
    ).rejects.toThrow(/events\.1\.occurredAt: must not be more than 5 minutes in the future/);
    expect(await count()).toBe(before);
  });

  it('refuses more than 500 events', async () => {
    const t = await env.tenant('team');
    await expect(
      t.caller.events.recordBatch({ events: Array.from({ length: 501 }, () => lockCreated()) }),
    ).rejects.toThrow(/events: must hold at most 500 events/);
  });
});
