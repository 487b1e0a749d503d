import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@audit/observability';
import { responseClass } from './response-class.ts';
import { StreamLagTable } from './stream-lag.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

describe('delivery response class', () => {
  it('is the status class, or network when no response came', () => {
    expect([200, 204, 299, 301, 400, 410, 429, 500, 503].map(responseClass)).toEqual([
      '2xx',
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '4xx',
      '5xx',
      '5xx',
    ]);
    expect(responseClass(null)).toBe('network');
    expect(responseClass(99)).toBe('other');
    expect(responseClass(600)).toBe('other');
    expect(responseClass(200.5)).toBe('other');
  });
});

describe('stream lag table', () => {
  it('aggregates over destinations, keeps the last known age while a batch waits, forgets stopped and stale streams', () => {
    let now = 1_000_000;
    const table = new StreamLagTable(() => now);
    table.report({ webhookId: 'whk_a', backlogEvents: 40, oldestPendingAt: new Date(now - 30_000) });
    table.report({ webhookId: 'whk_b', backlogEvents: 5, oldestPendingAt: new Date(now - 2_000) });
    expect(table.summary()).toEqual({ maxLagSeconds: 30, maxBacklogEvents: 40, totalBacklogEvents: 45, behind: 2 });
    now += 10_000;
    table.report({ webhookId: 'whk_a', backlogEvents: 41, oldestPendingAt: undefined });
    expect(table.summary().maxLagSeconds).toBe(40);
    table.report({ webhookId: 'whk_b', backlogEvents: 0, oldestPendingAt: null });
    table.forget('whk_a');
    expect(table.summary()).toEqual({ maxLagSeconds: 0, maxBacklogEvents: 0, totalBacklogEvents: 0, behind: 0 });
    table.report({ webhookId: 'whk_c', backlogEvents: 3, oldestPendingAt: new Date(now) });
    now += 11 * 60_000;
    expect(table.summary().behind).toBe(0);
  });
});

describe('worker metrics', () => {
  it('exports ids of nothing: label values stay within their closed sets', async () => {
    const metrics = createWorkerMetrics(createMetricsRegistry(), () => 5_000_000);
    for (let i = 0; i < 50; i++) {
      metrics.attempt({
        outcome: i % 2 ? 'succeeded' : 'retrying',
        responseStatus: i % 3 ? 200 + i : null,
        durationMs: 12,
        trigger: 'scheduled',
      });
      metrics.streamPosition({
        webhookId: `whk_${i}`,
        backlogEvents: i,
        oldestPendingAt: new Date(5_000_000 - i * 1000),
      });
    }
    metrics.purged(7);
    metrics.runFinished({ status: 'completed', durationMs: 1500 });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/whk_/);
    expect(text).toContain('audit_stream_backlog_max_events 49');
    expect(text).toContain('audit_stream_lag_max_seconds 49');
    expect(text).toContain('audit_retention_events_purged_total 7');
    expect(text).toMatch(
      /audit_delivery_attempts_total\{outcome="succeeded",response_class="2xx",trigger="scheduled"\} \d+/,
    );
    const classes = new Set([...text.matchAll(/response_class="([^"]+)"/g)].map((m) => m[1]));
    expect(classes).toEqual(new Set(['2xx', 'network']));
  });
});
