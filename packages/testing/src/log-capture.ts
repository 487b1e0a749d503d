import { createLogger, type Logger } from '@audit/observability';

export interface LogCapture {
  /** A logger with the service's own redaction, at trace: every line any code writes is kept. */
  log: Logger;
  /** Everything written so far, as it would have reached stdout. */
  text(): string;
  lines(): Record<string, unknown>[];
}

/** An in-memory log destination, for tests that read what the processes logged. */
export function captureLogs(service = 'test'): LogCapture {
  const chunks: string[] = [];
  const log = createLogger({ level: 'trace', service, destination: { write: (s: string) => void chunks.push(s) } });
  const text = () => chunks.join('');
  return {
    log,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
