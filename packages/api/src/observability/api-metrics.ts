import { Counter, Histogram, type Registry } from 'prom-client';
import { CATEGORIES, LIMITS } from '@audit/shared';

export interface ApiMetrics {
  registry: Registry;
  httpRequest(procedure: string, status: string, seconds: number): void;
  /** Events newly stored (an idempotent repeat stores nothing and is not counted). */
  eventsRecorded(categories: readonly string[]): void;
  /** Events in one `events.record` (1) or `events.recordBatch` call. */
  recordBatch(size: number): void;
  /** A call refused TOO_MANY_REQUESTS: by a window of its class (per key or workspace), or the export cap. */
  rateLimited(cls: string, limit: 'key' | 'workspace' | 'concurrent_exports'): void;
}

const KNOWN_CATEGORIES = new Set<string>(CATEGORIES);

/** Every family the API exports, registered on the process's registry (see createMetricsRegistry). */
export function createApiMetrics(registry: Registry): ApiMetrics {
  const requests = new Counter({
    name: 'audit_http_requests_total',
    help: 'HTTP requests, by tRPC procedure (or fixed route) and status code',
    labelNames: ['procedure', 'status'] as const,
    registers: [registry],
  });
  // By procedure only: with the status too, every procedure × status pair would carry a full set of buckets.
  const duration = new Histogram({
    name: 'audit_http_request_duration_seconds',
    help: 'HTTP request latency, from the first byte read to the last byte sent, by procedure',
    labelNames: ['procedure'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const recorded = new Counter({
    name: 'audit_events_recorded_total',
    help: 'Events stored by record, recordBatch and the service itself, by category',
    labelNames: ['category'] as const,
    registers: [registry],
  });
  const batchSizes = new Histogram({
    name: 'audit_record_batch_size',
    help: 'Events per events.record / events.recordBatch call',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, LIMITS.batchSize],
    registers: [registry],
  });
  // Bounded labels: four classes and three limits.
  const limited = new Counter({
    name: 'audit_rate_limited_total',
    help: 'Calls refused with 429, by rate-limit class and the limit that refused them (key, workspace, concurrent_exports)',
    labelNames: ['class', 'limit'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequest(procedure, status, seconds) {
      requests.inc({ procedure, status });
      duration.observe({ procedure }, seconds);
    },
    eventsRecorded(categories) {
      const counts = new Map<string, number>();
      // The schema admits catalogue categories only; the check keeps the label closed regardless.
      for (const c of categories) {
        const category = KNOWN_CATEGORIES.has(c) ? c : 'other';
        counts.set(category, (counts.get(category) ?? 0) + 1);
      }
      for (const [category, n] of counts) recorded.inc({ category }, n);
    },
    recordBatch(size) {
      batchSizes.observe(size);
    },
    rateLimited(cls, limit) {
      limited.inc({ class: cls, limit });
    },
  };
}
