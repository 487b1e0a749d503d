import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@audit/observability';
import {
  eventually,
  lockCreated,
  openTestEnv,
  startReceiver,
  type Receiver,
  type RunningWorker,
  type TestEnv,
} from '@audit/testing';
import { workerReadiness } from './readiness.ts';
import { startWorkerHttp, type WorkerHttp } from './worker-http.ts';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics.ts';

let env: TestEnv;
let metrics: WorkerMetrics;
let http: WorkerHttp;
let running: RunningWorker | null = null;
let rx: Receiver;

beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_LINGER_MS: '50', WEBHOOK_RETRY_SCHEDULE: '0,200' });
  metrics = createWorkerMetrics(createMetricsRegistry());
  http = await startWorkerHttp({
    port: 0,
    host: '127.0.0.1',
    registry: metrics.registry,
    readiness: () =>
      workerReadiness({
        worker: () => running?.worker ?? null,
        connection: () => running?.connection ?? null,
        store: env.deps.store,
      }),
  });
  // The first POST fails with a 500, the retry succeeds.
  rx = await startReceiver((_req, n) => ({ status: n === 0 ? 500 : 204 }));
});
afterAll(async () => {
  await http?.close();
  await rx?.close();
  await env?.close();
});

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${http.port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

describe("the worker's HTTP port", () => {
  it('answers /healthz at once and /readyz only while the worker runs', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.text)).toMatchObject({
      status: 'not ready',
      checks: { worker: { ok: false }, temporal: { ok: false }, mongodb: { ok: true } },
    });
    expect((await get('/nowhere')).status).toBe(404);

    running = await env.startWorker({ metrics });
    await eventually(async () => (await get('/readyz')).status === 200, 15_000, 'the worker ready');
    expect(JSON.parse((await get('/readyz')).text)).toEqual({
      status: 'ready',
      checks: { worker: { ok: true }, temporal: { ok: true }, mongodb: { ok: true } },
    });
  });

  it('exports attempts by outcome and response class, stream lag and retention runs on /metrics', async () => {
    const t = await env.tenant('enterprise');
    const { webhook } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ev = await t.caller.events.record(lockCreated(0));
    await rx.waitFor(2, (r) => r.body.includes(ev.id), 30_000);
    const { id: runId } = await env.admin.admin.retention.runNow({});

    const scrape = await eventually(
      async () => {
        const m = await get('/metrics');
        return line(m.text, 'audit_retention_runs_total{status="completed"} 1') &&
          line(m.text, 'audit_delivery_attempts_total{outcome="succeeded"')
          ? m
          : null;
      },
      30_000,
      `the attempts and retention run ${runId} counted`,
    );
    expect(scrape.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.text;
    expect(
      line(text, 'audit_delivery_attempts_total{outcome="retrying",response_class="5xx",trigger="scheduled"} 1'),
    ).toBeDefined();
    expect(
      line(text, 'audit_delivery_attempts_total{outcome="succeeded",response_class="2xx",trigger="scheduled"} 1'),
    ).toBeDefined();
    expect(line(text, 'audit_delivery_attempt_duration_seconds_count{response_class="5xx"} 1')).toBeDefined();
    expect(Number(line(text, 'audit_stream_lag_seconds_count ')?.split(' ')[1])).toBeGreaterThanOrEqual(2);
    // Delivered: the stream caught up, so nothing is behind.
    await eventually(
      async () => line((await get('/metrics')).text, 'audit_streams_behind 0'),
      15_000,
      'the stream caught up',
    );
    for (const family of [
      'audit_stream_lag_max_seconds',
      'audit_stream_backlog_max_events',
      'audit_stream_backlog_events',
      'audit_retention_events_purged_total',
      'audit_retention_run_duration_seconds_count',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(line(text, family), family).toBeDefined();
    expect(line(text, 'audit_retention_run_duration_seconds_count 1')).toBeDefined();
    // No destination, workspace or event id in any label.
    for (const id of [webhook.id, t.workspaceId, ev.id, rx.url]) expect(text).not.toContain(id);
  });

  it('is not ready once the worker has stopped', async () => {
    await running!.stop();
    const after = await get('/readyz');
    expect(after.status).toBe(503);
    expect(JSON.parse(after.text).checks.worker).toMatchObject({ ok: false });
  });
});
