import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

/**
 * One registry per process (or per test), never prom-client's global one: a test process that
 * runs an API and a worker, or two APIs, would otherwise register the same names twice.
 * Process and event-loop metrics (CPU, memory, GC, event-loop lag) come with it.
 */
export function createMetricsRegistry(): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register });
  return register;
}
