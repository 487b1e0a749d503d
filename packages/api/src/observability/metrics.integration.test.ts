import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@audit/observability';
import { lockCreated, openTestEnv, trpcHttp, type Tenant, type TestEnv } from '@audit/testing';
import { createApiMetrics } from './api-metrics.ts';

let env: TestEnv;
let api: { url: string; close(): Promise<void> };
let t: Tenant;

beforeAll(async () => {
  env = await openTestEnv({}, { metrics: createApiMetrics(createMetricsRegistry()) });
  api = await env.http();
  t = await env.tenant('enterprise');
});
afterAll(async () => {
  await api?.close();
  await env?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text format, as a scraper reads it. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]),
      );
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics on the API', () => {
  it('counts requests by procedure and status, times them, counts events by category and batch sizes', async () => {
    for (let i = 0; i < 2; i++)
      expect((await trpcHttp(api.url, 'events.record', lockCreated(i), { token: t.key })).status).toBe(200);
    expect(
      (
        await trpcHttp(
          api.url,
          'events.recordBatch',
          { events: [lockCreated(10), lockCreated(11), lockCreated(12)] },
          { token: t.key },
        )
      ).status,
    ).toBe(200);
    expect((await trpcHttp(api.url, 'events.list', { limit: 5 }, { token: t.key, method: 'GET' })).status).toBe(200);
    // The REST route counts under the procedure it runs, not under its path.
    const rest = await fetch(`${api.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(lockCreated(20)),
    });
    expect(rest.status).toBeLessThan(300);
    expect((await trpcHttp(api.url, 'events.record', lockCreated(3), { token: 'atk_not_a_key' })).status).toBe(401);
    // Made-up names (ids, probes) must not become label values.
    expect((await trpcHttp(api.url, 'aud_01HXNOTAPROCEDURE', {})).status).toBe(404);
    expect((await fetch(`${api.url}/wp-login.php`)).status).toBe(404);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);

    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = parse(text);

    expect(
      valueOf(samples, 'audit_http_requests_total', { procedure: 'events.record', status: String(rest.status) }),
    ).toBe(rest.status === 200 ? 3 : 1);
    expect(valueOf(samples, 'audit_http_requests_total', { procedure: 'events.record', status: '401' })).toBe(1);
    expect(valueOf(samples, 'audit_http_requests_total', { procedure: 'events.recordBatch', status: '200' })).toBe(1);
    expect(valueOf(samples, 'audit_http_requests_total', { procedure: 'events.list', status: '200' })).toBe(1);
    expect(valueOf(samples, 'audit_http_requests_total', { procedure: 'other', status: '404' })).toBe(2);
    expect(valueOf(samples, 'audit_http_requests_total', { procedure: 'healthz', status: '200' })).toBe(1);
    expect(valueOf(samples, 'audit_http_request_duration_seconds_count', { procedure: 'events.record' })).toBe(4);
    expect(
      valueOf(samples, 'audit_http_request_duration_seconds_bucket', { procedure: 'events.record', le: '+Inf' }),
    ).toBe(4);
    expect(valueOf(samples, 'audit_events_recorded_total', { category: 'lock' })).toBe(6);
    // The tenant's set-up recorded `workspace.created` itself.
    expect(valueOf(samples, 'audit_events_recorded_total', { category: 'workspace' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'audit_record_batch_size_count')).toBe(4);
    expect(valueOf(samples, 'audit_record_batch_size_sum')).toBe(6);
    expect(valueOf(samples, 'audit_record_batch_size_bucket', { le: '1' })).toBe(3);
    // The process and event-loop defaults.
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      expect(valueOf(samples, name), name).toBeDefined();

    // Bounded labels: every procedure value is a router name or a fixed one, and no id is anywhere.
    const procedures = new Set(samples.filter((s) => s.name.startsWith('audit_http_')).map((s) => s.labels.procedure));
    expect([...procedures].sort()).toEqual(['events.list', 'events.record', 'events.recordBatch', 'healthz', 'other']);
    for (const id of [t.workspaceId, t.organizationId, t.keyId, 'aud_', 'wp-login']) expect(text).not.toContain(id);
  });
});
