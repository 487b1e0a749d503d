import {
  pino,
  stdSerializers,
  stdTimeFunctions,
  type DestinationStream,
  type Logger as PinoLogger,
  type LoggerOptions as PinoOptions,
} from 'pino';
import pretty from 'pino-pretty';
import { CENSOR, REDACT_PATHS, redactHeaders, scrubSecrets } from './redaction.ts';

export type Logger = PinoLogger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** The process's name in every line (`api`, `worker`). */
  service?: string;
  /** Human-readable lines, for a person at a terminal (`npm start`); JSON otherwise. */
  pretty?: boolean;
  /** Where lines go; stdout by default. Tests pass an in-memory stream and read it back. */
  destination?: DestinationStream;
}

/**
 * The one way a process makes its logger; every redaction rule lives in the options built here,
 * so a logger made anywhere else cannot skip them. Children (`log.child(...)`) inherit them.
 */
export function createLogger(options: LoggerOptions): Logger {
  const config: PinoOptions = {
    level: options.level,
    base: options.service ? { service: options.service } : null,
    timestamp: stdTimeFunctions.isoTime,
    // `"level":"warn"` rather than pino's numbers: the lines are read by people and by log search.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: stdSerializers.err, error: stdSerializers.err, headers: redactHeaders },
    hooks: { streamWrite: scrubSecrets },
  };
  if (options.destination) return pino(config, options.destination);
  if (options.pretty) return pino(config, prettyStream());
  return pino(config);
}

/** Discards every line: for scripts and tests that do not read the log. */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent', destination: { write: () => {} } });
}

function prettyStream(): DestinationStream {
  // One line per entry: `npm start` prefixes each line with the process's name. Colour is forced,
  // because the child's stdout is a pipe even when the person's terminal shows colour.
  return pretty({
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    sync: true,
  });
}
