import { DefaultLogger, type LogLevel as TemporalLevel } from '@temporalio/worker';
import type { Logger } from '@audit/observability';

const TO_PINO = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's own lines (and its core's), through the process logger, so they are JSON
 * and redacted like the rest. Its INFO lines (bundle statistics, state changes) would drown
 * the service's own log, so it speaks from WARN unless the service logs at debug.
 */
export function temporalLogger(log: Logger): DefaultLogger {
  const level: TemporalLevel = log.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  const sdk = log.child({ component: 'temporal' });
  return new DefaultLogger(level, (entry) => {
    sdk[TO_PINO[entry.level]]({ ...entry.meta }, entry.message);
  });
}
