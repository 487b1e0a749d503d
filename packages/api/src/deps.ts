import type { Connection, WorkflowClient } from '@temporalio/client';
import { silentLogger as makeSilentLogger, type Logger } from '@audit/observability';
import type { Config } from '@audit/shared';
import type { Store } from '@audit/store';
import type { ApiMetrics } from './observability/api-metrics.ts';

export type { Logger } from '@audit/observability';

/** Everything a service needs, passed in: tests build the same object against real servers. */
export interface ApiDeps {
  config: Config;
  store: Store;
  temporal: { connection: Connection; workflow: WorkflowClient } | null;
  clock: () => Date;
  /** The process's pino logger (its redaction rules come with it); requests log through children. */
  log: Logger;
  /** Absent in scripts and tests that build deps by hand: nothing is counted and /metrics is 404. */
  metrics?: ApiMetrics;
}

/** A logger that writes nothing, for scripts and tests that do not read the log. */
export const silentLogger: Logger = makeSilentLogger();
