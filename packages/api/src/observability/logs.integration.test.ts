import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureLogs,
  eventually,
  lockCreated,
  openTestEnv,
  startReceiver,
  TEST_ADMIN_TOKEN,
  type LogCapture,
  type Receiver,
  type TestEnv,
} from '@audit/testing';

/**
 * A full run with the API's and the worker's lines captured in memory, through every path that
 * handles a credential: then no key, admin token, signing secret or header value is in the log.
 */
let env: TestEnv;
let capture: LogCapture;
let api: { url: string; close(): Promise<void> };
let rx: Receiver;

beforeAll(async () => {
  capture = captureLogs('api');
  env = await openTestEnv({ WEBHOOK_LINGER_MS: '50' }, { log: capture.log });
  await env.startWorker();
  api = await env.http();
  rx = await startReceiver();
});
afterAll(async () => {
  await rx?.close();
  await api?.close();
  await env?.close();
});

const HEADER_VALUE = 'siem-header-value-7f3a9c1e5b';

async function call(path: string, input: unknown, token: string, requestId?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  const res = await fetch(`${api.url}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: any }; error?: unknown };
  return { status: res.status, requestId: res.headers.get('x-request-id'), data: body.result?.data, error: body.error };
}

describe('logs', () => {
  it('carry request ids and never a credential, over record, webhooks, rotation, test and a real delivery', async () => {
    const org = await call('admin.organizations.create', { name: 'logs org' }, TEST_ADMIN_TOKEN);
    const ws = await call(
      'admin.workspaces.create',
      { organizationId: org.data.id, name: 'logs ws', plan: 'enterprise' },
      TEST_ADMIN_TOKEN,
    );
    const created = await call(
      'admin.apiKeys.create',
      { workspaceId: ws.data.id, scopes: ['events:write', 'events:read', 'webhooks:manage'] },
      TEST_ADMIN_TOKEN,
    );
    const key = created.data.key as string;
    expect(key).toMatch(/^atk_/);

    // A well-formed id is kept, returned and stored; a malformed one is replaced by a new one.
    const recorded = await call('events.record', lockCreated(0), key, 'gw-1:record.A_b');
    expect(recorded).toMatchObject({ status: 200, requestId: 'gw-1:record.A_b' });
    expect(recorded.data.context.requestId).toBe('gw-1:record.A_b');
    const replaced = await call('events.record', lockCreated(1), key, 'not a valid id');
    expect(replaced.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.data.context.requestId).toBe(replaced.requestId);
    const own = await call('events.record', lockCreated(2, { context: { requestId: 'caller-own' } }), key, 'gw-2');
    expect(own.data.context.requestId).toBe('caller-own');

    const hook = await call(
      'webhooks.create',
      { url: rx.url, headers: { 'X-Siem-Token': HEADER_VALUE }, categories: ['lock'] },
      key,
      'gw-3:create',
    );
    expect(hook.status).toBe(200);
    const firstSecret = hook.data.secret as string;
    const rotated = await call('webhooks.rotateSecret', { id: hook.data.webhook.id }, key);
    const secondSecret = rotated.data.secret as string;
    expect([firstSecret, secondSecret].every((s) => s.startsWith('whsec_'))).toBe(true);
    const tested = await call('webhooks.test', { id: hook.data.webhook.id }, key);
    expect(tested.data).toMatchObject({ ok: true });

    const ev = await call('events.record', lockCreated(3), key, 'gw-4:delivery');
    const [delivered] = await rx.waitFor(1, (r) => r.body.includes(ev.data.id), 30_000);
    expect(delivered!.headers['x-siem-token']).toBe(HEADER_VALUE);
    // The worker's line about that attempt is written once the attempt is stored.
    await eventually(
      async () => capture.lines().find((l) => l.msg === 'delivery attempt' && l.webhookId === hook.data.webhook.id),
      30_000,
      'the worker logged the attempt',
    );

    // Credentials in places a careless log would copy: a bad key, a key in an export URL's query.
    expect((await call('events.record', lockCreated(4), `atk_${'x'.repeat(40)}`)).status).toBe(401);
    expect((await fetch(`${api.url}/export?format=csv&key=${encodeURIComponent(key)}`)).status).toBe(401);

    const text = capture.text();
    const forbidden = {
      key,
      keyBody: key.slice('atk_'.length),
      adminToken: TEST_ADMIN_TOKEN,
      firstSecret,
      secondSecret,
      secretBody: firstSecret.slice('whsec_'.length),
      headerValue: HEADER_VALUE,
      badKey: 'x'.repeat(40),
    };
    for (const [what, value] of Object.entries(forbidden))
      expect(text.includes(value), `${what} reached the log`).toBe(false);

    // The redaction did the work: the headers were logged, their values replaced.
    const lines = capture.lines();
    const recordLine = lines.find((l) => l.requestId === 'gw-1:record.A_b' && l.msg === 'request completed') as any;
    expect(recordLine).toMatchObject({
      level: 'info',
      req: { method: 'POST', url: '/trpc/events.record', headers: { authorization: '[redacted]' } },
      res: { statusCode: 200 },
    });
    expect(lines.find((l) => l.requestId === 'gw-3:create')).toMatchObject({ req: { url: '/trpc/webhooks.create' } });
    expect(lines.find((l) => l.requestId === replaced.requestId)).toBeDefined();
    // Every request line carries its id.
    const requestLines = lines.filter((l) => l.msg === 'request completed');
    expect(requestLines.length).toBeGreaterThanOrEqual(10);
    expect(
      requestLines.every((l) => typeof l.requestId === 'string' && l.requestId === (l.req as { id?: string }).id),
    ).toBe(true);
    expect(requestLines.find((l) => (l.req as { url: string }).url.startsWith('/export'))).toMatchObject({
      req: { url: '/export' },
    });
  });
});
