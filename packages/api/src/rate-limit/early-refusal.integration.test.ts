import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetricsRegistry } from '@audit/observability';
import { captureLogs, openTestEnv, type LogCapture, type TestEnv } from '@audit/testing';
import { createApiMetrics } from '../observability/api-metrics.ts';

/**
 * The refusals answered from the limiter's memory (early-refusal.ts) against those of the full
 * path: the same status, headers, body and count; only their log lines differ (sampled).
 */
let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let logs: LogCapture;

beforeAll(async () => {
  logs = captureLogs('api');
  env = await openTestEnv({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEARCH_PER_KEY: '2/1h', RATE_LIMIT_SEARCH_PER_WORKSPACE: '50/1h', RATE_LIMIT_RECORD_PER_KEY: '1/1h' }, { log: logs.log, metrics: createApiMetrics(createMetricsRegistry()) });
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
  const res = await fetch(`${http.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), requestId: res.headers.get('x-request-id'), body: await res.json() };
}

/** A stack trace is dev-only and differs by where the error was made: compared without it. */
function withoutStack(body: any): any {
  const copy = structuredClone(body);
  const data = copy.error?.data ?? copy.data;
  if (data) delete data.stack;
  return copy;
}

const LIST = `/trpc/events.list?input=${encodeURIComponent('{}')}`;

function limitedCount(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('audit_rate_limited_total{class="search",limit="key"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('refusals answered from memory', () => {
  it('over /trpc: the same 429, Retry-After, envelope and count as the full path', async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 2; i++) expect((await send(LIST, t.key)).status).toBe(200);
    const metricsBefore = limitedCount(await (await fetch(`${http.url}/metrics`)).text());
    // The first refusal finds the window full through the procedure's middleware; the next ones are answered early.
    const full = await send(LIST, t.key);
    const early = await send(LIST, t.key, { headers: { 'x-request-id': 'early-1' } });
    for (const a of [full, early]) {
      expect(a.status).toBe(429);
      expect(a.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(a.contentType).toBe('application/json');
    }
    expect(withoutStack(early.body)).toEqual(withoutStack(full.body));
    expect(early.body.error).toMatchObject({ code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path: 'events.list' } });
    expect(early.body.error.message).toMatch(/^rate limit: 2 requests per 1 h for search \(events\.list\) per API key; retry in \d+ s$/);
    expect(early.requestId).toBe('early-1');
    expect(limitedCount(await (await fetch(`${http.url}/metrics`)).text()) - metricsBefore).toBe(2);

    // Sampled: the full-path refusal at info, the repeat at debug, both with their request ids.
    const lines = logs.lines().filter((l) => (l['res'] as { statusCode?: number } | undefined)?.statusCode === 429 && (l['req'] as { url?: string } | undefined)?.url?.startsWith('/trpc/events.list'));
    expect(lines.map((l) => l['level'])).toEqual(['info', 'debug']);
    expect(lines[1]!['requestId']).toBe('early-1');
  });

  it('over REST: the same REST error body as the full path', async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 2; i++) expect((await send('/api/v1/events', t.key)).status).toBe(200);
    const full = await send('/api/v1/events', t.key);
    const early = await send('/api/v1/events', t.key);
    for (const a of [full, early]) {
      expect(a.status).toBe(429);
      expect(a.retryAfter).toMatch(/^[1-9]\d*$/);
    }
    expect(early.contentType).toBe(full.contentType);
    expect(early.body).toEqual(full.body);
    expect(early.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path: 'events.list' } });
  });

  it('leaves to the full path what it cannot answer the same way: batches, wrong methods, other keys and classes', async () => {
    const t = await env.tenant('enterprise');
    for (let i = 0; i < 3; i++) await send(LIST, t.key);
    // A batch keeps tRPC's batch envelope; a POST to a query keeps its 405.
    const batch = await fetch(`${http.url}/trpc/events.list?batch=1&input=${encodeURIComponent('{"0":{}}')}`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(batch.status).toBe(429);
    expect(Array.isArray(await batch.json())).toBe(true);
    const post = await send('/trpc/events.list', t.key, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
    // Another key of the same workspace, and another class of the same key, are not refused.
    const other = (await env.admin.admin.apiKeys.create({ workspaceId: t.workspaceId, scopes: ['events:read'] })).key;
    expect((await send(LIST, other)).status).toBe(200);
    const record = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'lock', action: 'created', actor: { type: 'user', id: 'u' } }) };
    expect((await send('/trpc/events.record', t.key, record)).status).toBe(200);
    // Its window now full too, a record refused from memory, body unread.
    expect((await send('/trpc/events.record', t.key, record)).status).toBe(429);
    expect((await send('/trpc/events.record', t.key, { ...record, body: '{not json' })).status).toBe(429);
    expect((await send('/trpc/admin.organizations.create', t.key, { ...record, body: '{"name":"x"}' })).status).toBe(401);
  });

  it('with the log at info: a repeat gets its request id and no log line', async () => {
    const infoEnv = await openTestEnv({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEARCH_PER_KEY: '1/1h' }, { log: createInfoCapture.log });
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
      const refusals = createInfoCapture.lines().filter((l) => (l['res'] as { statusCode?: number } | undefined)?.statusCode === 429);
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
  const log = createLogger({ level: 'info', service: 'api', destination: { write: (s: string) => void chunks.push(s) } });
  return { log, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
})();
