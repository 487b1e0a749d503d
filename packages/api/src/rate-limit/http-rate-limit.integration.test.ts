import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetricsRegistry } from '@audit/observability';
import { captureLogs, openTestEnv, type LogCapture, type TestEnv } from '@audit/testing';
import { createApiMetrics } from '../observability/api-metrics.ts';

/**
 * Refusals as the one enforcement path answers them (http-rate-limit.ts), ahead of tRPC and the
 * REST adapter: their bodies, headers, counts and sampled log lines, and the procedure each call
 * is counted as, read from the path as tRPC reads it. Windows of an hour, a fresh tenant per test.
 */
let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let logs: LogCapture;

beforeAll(async () => {
  logs = captureLogs('api');
  const limits = {
    RATE_LIMIT_SEARCH_PER_KEY: '2/1h',
    RATE_LIMIT_SEARCH_PER_WORKSPACE: '50/1h',
    RATE_LIMIT_RECORD_PER_KEY: '1/1h',
  };
  env = await openTestEnv(
    { RATE_LIMIT_ENABLED: 'true', ...limits },
    { log: logs.log, metrics: createApiMetrics(createMetricsRegistry()) },
  );
  http = await env.http();
});
afterAll(async () => {
  await http?.close();
  await env?.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  requestId: string | null;
  body: any;
}

async function send(path: string, key: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${http.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) },
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    contentType: res.headers.get('content-type'),
    requestId: res.headers.get('x-request-id'),
    body: await res.json(),
  };
}

const LIST = `/trpc/events.list?input=${encodeURIComponent('{}')}`;
const RECORD = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ category: 'lock', action: 'created', actor: { type: 'user', id: 'u' } }),
};

function limitedCount(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('audit_rate_limited_total{class="search",limit="key"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The names of an envelope's fields, `stack` aside (tRPC adds it outside production only). */
function shapeOf(error: any): string[] {
  return [
    ...Object.keys(error),
    ...Object.keys(error.data)
      .filter((k) => k !== 'stack')
      .map((k) => `data.${k}`),
  ].sort();
}

describe('refusals', () => {
  it("over /trpc: 429, Retry-After, tRPC's own envelope, counted, and sampled in the log", async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 2; i++) expect((await send(LIST, t.key)).status).toBe(200);
    const metricsBefore = limitedCount(await (await fetch(`${http.url}/metrics`)).text());
    const first = await send(LIST, t.key);
    const repeat = await send(LIST, t.key, { headers: { 'x-request-id': 'repeat-1' } });
    for (const a of [first, repeat]) {
      expect(a.status).toBe(429);
      expect(a.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(a.contentType).toBe('application/json');
      expect(a.body.error).toMatchObject({
        code: -32029,
        data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path: 'events.list' },
      });
      expect(a.body.error.message).toMatch(
        /^rate limit: 2 requests per 1 h for search \(events\.list\) per API key; retry in \d+ s$/,
      );
    }
    // The envelope tRPC itself answers with, field for field (here a 401 of the same procedure).
    const fromTrpc = await send(LIST, 'atk_unknown');
    expect(fromTrpc.status).toBe(401);
    expect(shapeOf(repeat.body.error)).toEqual(shapeOf(fromTrpc.body.error));
    expect(repeat.requestId).toBe('repeat-1');
    expect(limitedCount(await (await fetch(`${http.url}/metrics`)).text()) - metricsBefore).toBe(2);

    // Sampled: the refusal that found the window full at info, the repeat at debug, both with their request ids.
    const lines = logs
      .lines()
      .filter(
        (l) =>
          (l['res'] as { statusCode?: number } | undefined)?.statusCode === 429 &&
          (l['req'] as { url?: string } | undefined)?.url?.startsWith('/trpc/events.list'),
      );
    expect(lines.map((l) => l['level'])).toEqual(['info', 'debug']);
    expect(lines[1]!['requestId']).toBe('repeat-1');
  });

  it('over REST: the REST error body, and the body is not read first', async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 2; i++) expect((await send('/api/v1/events', t.key)).status).toBe(200);
    const refused = await send('/api/v1/events', t.key);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(refused.body).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path: 'events.list' },
    });
    expect(refused.body.message).toMatch(/^rate limit: 2 requests per 1 h for search/);
    expect((await send('/api/v1/events', t.key, RECORD)).status).toBe(200);
    expect((await send('/api/v1/events', t.key, { ...RECORD, body: '{not json' })).status).toBe(429);
  });

  it('counts a call as the procedure tRPC runs: prefixed or percent-encoded paths, and each call of a batch', async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 2; i++) expect((await send(LIST, t.key)).status).toBe(200);
    for (const path of ['/trpc/x/events.list', '/trpc/%65vents.list']) {
      const a = await send(`${path}?input=${encodeURIComponent('{}')}`, t.key);
      expect(a.status, path).toBe(429);
      expect(a.body.error.message, path).toMatch(/for search \(events\.list\) per API key/);
    }
    // A batch of three searches on a fresh key: the third is over its 2, and the batch is refused in tRPC's batch envelope.
    const other = (await env.admin.admin.apiKeys.create({ workspaceId: t.workspaceId, scopes: ['events:read'] })).key;
    const batch = await send(
      `/trpc/events.list,events.list,events.list?batch=1&input=${encodeURIComponent('{"0":{},"1":{},"2":{}}')}`,
      other,
    );
    expect(batch.status).toBe(429);
    expect(batch.body).toHaveLength(3);
    for (const [i, b] of (batch.body as any[]).entries())
      expect(b.error.data, `call ${i}`).toMatchObject({ code: 'TOO_MANY_REQUESTS', path: 'events.list' });
    expect((await send(LIST, other)).status).toBe(429);
  });

  it('keeps classes and keys apart, and leaves the admin token and unknown keys uncounted', async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 3; i++) await send(LIST, t.key);
    expect((await send('/trpc/events.record', t.key, RECORD)).status).toBe(200);
    expect((await send('/trpc/events.record', t.key, RECORD)).status).toBe(429);
    // Refused before its body is read: not JSON is still a 429.
    expect((await send('/trpc/events.record', t.key, { ...RECORD, body: '{not json' })).status).toBe(429);
    const other = (await env.admin.admin.apiKeys.create({ workspaceId: t.workspaceId, scopes: ['events:read'] })).key;
    expect((await send(LIST, other)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await send(LIST, 'atk_unknown')).status).toBe(401);
    for (let i = 0; i < 4; i++)
      expect((await env.admin.admin.organizations.create({ name: `o${i}` })).id).toMatch(/^org_/);
  });

  it('with the log at info: a repeat gets its request id and no log line', async () => {
    const infoEnv = await openTestEnv(
      { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEARCH_PER_KEY: '1/1h' },
      { log: createInfoCapture.log },
    );
    const server = await infoEnv.http();
    try {
      const t = await infoEnv.tenant('enterprise');
      const get = () => fetch(`${server.url}${LIST}`, { headers: { authorization: `Bearer ${t.key}` } });
      const statuses = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await get();
        statuses.push(last.status);
        await last.arrayBuffer();
      }
      expect(statuses).toEqual([200, 429, 429, 429]);
      expect(last!.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const refusals = createInfoCapture
        .lines()
        .filter((l) => (l['res'] as { statusCode?: number } | undefined)?.statusCode === 429);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]!['level']).toBe('info');
    } finally {
      await server.close();
      await infoEnv.close();
    }
  });
});

/** Lines of a logger at info, as a deployment runs it. */
const createInfoCapture = (() => {
  const chunks: string[] = [];
  const log = createLogger({
    level: 'info',
    service: 'api',
    destination: { write: (s: string) => void chunks.push(s) },
  });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
})();
