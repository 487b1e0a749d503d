import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ActivityObserver } from '@audit/workflows';
import { responseClass } from './response-class.ts';
import { StreamLagTable } from './stream-lag.ts';

export interface WorkerMetrics extends ActivityObserver {
  registry: Registry;
}

/**
 * The worker's families, fed by the activities through the observer interface. No label holds
 * an id or a URL: destinations are many and tenant-made, so per-destination series would grow
 * without bound; stream lag is exported as aggregates over destinations (see stream-lag.ts).
 */
export function createWorkerMetrics(registry: Registry, now: () => number = Date.now): WorkerMetrics {
  const registers = [registry];
  const attempts = new Counter({
    name: 'audit_delivery_attempts_total',
    help: 'Webhook delivery attempts, by outcome (succeeded, retrying, failed), response class and trigger (scheduled, manual)',
    labelNames: ['outcome', 'response_class', 'trigger'] as const,
    registers,
  });
  const attemptSeconds = new Histogram({
    name: 'audit_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery POST, by response class',
    labelNames: ['response_class'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const lagSeconds = new Histogram({
    name: 'audit_stream_lag_seconds',
    help: 'Age of the oldest event of each live-stream batch as it is sent (each attempt): delivery lag, sampled per batch',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    registers,
  });
  const lag = new StreamLagTable(now);
  const gauge = (name: string, help: string, pick: (s: ReturnType<StreamLagTable['summary']>) => number) =>
    new Gauge({
      name,
      help,
      registers,
      // Computed when scraped, from the table: nothing to keep in step between scrapes.
      collect() {
        this.set(pick(lag.summary()));
      },
    });
  gauge(
    'audit_stream_lag_max_seconds',
    'Largest age of an undelivered event over the live streams this worker knows',
    (s) => s.maxLagSeconds,
  );
  gauge(
    'audit_stream_backlog_max_events',
    'Largest backlog (events after the position) of one live stream',
    (s) => s.maxBacklogEvents,
  );
  gauge(
    'audit_stream_backlog_events',
    'Events after their position, summed over the live streams this worker knows',
    (s) => s.totalBacklogEvents,
  );
  gauge('audit_streams_behind', 'Live streams with events after their position', (s) => s.behind);
  const runs = new Counter({
    name: 'audit_retention_runs_total',
    help: 'Finished retention purges, by status',
    labelNames: ['status'] as const,
    registers,
  });
  const purged = new Counter({
    name: 'audit_retention_events_purged_total',
    help: 'Events deleted by retention purges',
    registers,
  });
  const runSeconds = new Histogram({
    name: 'audit_retention_run_duration_seconds',
    help: 'Duration of one retention purge, start to finish',
    buckets: [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400],
    registers,
  });

  const checkpoints = new Counter({
    name: 'audit_checkpoints_sealed_total',
    help: 'Signed checkpoints sealed',
    registers,
  });
  const sealedEvents = new Counter({
    name: 'audit_events_sealed_total',
    help: 'Events sealed into checkpoints',
    registers,
  });
  const sealFailures = new Counter({
    name: 'audit_checkpoint_seal_failures_total',
    help: 'Workspaces a sealing pass could not seal (retried by the next attempt or pass)',
    registers,
  });
  const lastPass = new Gauge({
    name: 'audit_checkpoint_last_pass_timestamp_seconds',
    help: 'When this worker last finished a sealing pass (alert when it falls behind CHECKPOINT_INTERVAL)',
    registers,
  });

  return {
    registry,
    sealPass(p) {
      if (p.checkpoints > 0) checkpoints.inc(p.checkpoints);
      if (p.events > 0) sealedEvents.inc(p.events);
      if (p.failedWorkspaces > 0) sealFailures.inc(p.failedWorkspaces);
      lastPass.set(now() / 1000);
    },
    attempt(a) {
      const cls = responseClass(a.responseStatus);
      attempts.inc({ outcome: a.outcome, response_class: cls, trigger: a.trigger });
      attemptSeconds.observe({ response_class: cls }, a.durationMs / 1000);
    },
    streamPosition(p) {
      if (p.oldestPendingAt) lagSeconds.observe(Math.max(0, (now() - p.oldestPendingAt.getTime()) / 1000));
      lag.report(p);
    },
    streamStopped(webhookId) {
      lag.forget(webhookId);
    },
    purged(events) {
      if (events > 0) purged.inc(events);
    },
    runFinished(run) {
      runs.inc({ status: run.status });
      if (run.durationMs !== null) runSeconds.observe(run.durationMs / 1000);
    },
  };
}
