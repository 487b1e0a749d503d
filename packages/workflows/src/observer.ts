/**
 * What the activities report as they work, for the worker to turn into metrics and log lines.
 * Plain interfaces rather than a metrics library, so this package (and its unit tests) need no
 * registry; the worker implements them (packages/worker/src/observability/).
 */

/** Structured log lines in pino's argument order; the worker passes its pino logger. */
export interface LogSink {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export interface AttemptReport {
  outcome: 'succeeded' | 'failed' | 'retrying';
  /** Null when no response came (refused, DNS, connection, timeout). */
  responseStatus: number | null;
  durationMs: number;
  trigger: 'scheduled' | 'manual';
}

/**
 * Where a live stream stands after one of its steps. `backlogEvents` counts the workspace's
 * events after the stream's position (all categories: an upper bound). `oldestPendingAt` is
 * the recording time of the oldest of them not yet delivered: a Date when known, null when
 * there is none, undefined when this step did not read it (a batch waiting for its retry).
 */
export interface StreamPosition {
  webhookId: string;
  backlogEvents: number;
  oldestPendingAt: Date | null | undefined;
}

export interface DeliveryObserver {
  attempt(report: AttemptReport): void;
  streamPosition(position: StreamPosition): void;
  /** The stream no longer delivers from this worker's view: deleted, disabled, completed, paused. */
  streamStopped(webhookId: string): void;
}

export interface RetentionObserver {
  purged(events: number): void;
  runFinished(run: { status: 'completed' | 'failed'; durationMs: number | null }): void;
}

export interface SealingObserver {
  /** One sealing pass: checkpoints and events sealed, and the workspaces it could not seal. */
  sealPass(pass: { checkpoints: number; events: number; failedWorkspaces: number }): void;
}

export type ActivityObserver = DeliveryObserver & RetentionObserver & SealingObserver;

/** For activity deps built without metrics (unit use, scripts). */
export const quietObserver: ActivityObserver = {
  attempt: () => {},
  streamPosition: () => {},
  streamStopped: () => {},
  purged: () => {},
  runFinished: () => {},
  sealPass: () => {},
};

export const quietLog: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
