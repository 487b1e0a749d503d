import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApiMetrics } from '@audit/api';
import { createMetricsRegistry } from '@audit/observability';
import { createWorkerMetrics } from '@audit/worker';

/**
 * The monitoring files cannot be run here (no Docker engine): these checks keep them parseable
 * and in step with the code, so a renamed metric breaks a test rather than a dashboard panel.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

async function familyNames(): Promise<Set<string>> {
  const api = createApiMetrics(createMetricsRegistry());
  const worker = createWorkerMetrics(createMetricsRegistry());
  const names = new Set<string>();
  for (const registry of [api.registry, worker.registry]) {
    for (const m of await registry.getMetricsAsJSON()) {
      names.add(m.name);
      if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
    }
  }
  return names;
}

describe('monitoring files', () => {
  it('the dashboard queries only families that the API and the worker export', async () => {
    const dashboard = JSON.parse(read('deploy/grafana/audit-log.json')) as {
      uid: string;
      panels: { targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(15);
    const used = new Set(
      exprs.flatMap((e) => [...e.matchAll(/\b((?:audit|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!)),
    );
    const exported = await familyNames();
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
    // Every audit family has a panel.
    const auditFamilies = [...exported].filter((n) => n.startsWith('audit_') && !/_(bucket|sum|count)$/.test(n));
    const unshown = auditFamilies.filter((n) => ![...used].some((u) => u.startsWith(n)));
    expect(unshown).toEqual([]);
  });

  it('Prometheus scrapes the API and the worker, and compose runs Prometheus and a provisioned Grafana', () => {
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(
      prometheus.scrape_configs.map((c) => [
        c.job_name,
        [c.metrics_path ?? '/metrics', ...c.static_configs.flatMap((s) => s.targets)],
      ]),
    );
    expect(targets).toEqual({ 'audit-api': ['/metrics', 'api:3000'], 'audit-worker': ['/metrics', 'worker:9464'] });

    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { image?: string; volumes?: string[]; environment?: Record<string, string> }>;
    };
    expect(compose.services.worker?.environment?.WORKER_METRICS_PORT).toBe('9464');
    expect(compose.services.prometheus?.volumes).toContain(
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    const grafanaVolumes = compose.services.grafana?.volumes ?? [];
    expect(grafanaVolumes).toContain('./deploy/grafana/provisioning:/etc/grafana/provisioning:ro');
    const dashboardMount = grafanaVolumes.find((v) => v.startsWith('./deploy/grafana/audit-log.json:'))!.split(':')[1]!;

    const provider = parse(read('deploy/grafana/provisioning/dashboards/audit-log.yml')) as {
      providers: { options: { path: string } }[];
    };
    expect(dashboardMount.startsWith(`${provider.providers[0]!.options.path}/`)).toBe(true);
    const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasources.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    expect(read('deploy/grafana/audit-log.json')).not.toMatch(/"uid": "(?!prometheus"|audit-log")/);
  });
});
