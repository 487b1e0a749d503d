import type { Connection, WorkflowClient } from '@temporalio/client';
import type { Config } from '@audit/shared';
import type { Store } from '@audit/store';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Everything a service needs, passed in: tests build the same object against real servers. */
export interface ApiDeps {
  config: Config;
  store: Store;
  temporal: { connection: Connection; workflow: WorkflowClient } | null;
  clock: () => Date;
  log: Logger;
}

export const jsonLogger: Logger = {
  info: (msg, fields) => console.log(JSON.stringify({ level: 'info', msg, ...fields, time: new Date().toISOString() })),
  warn: (msg, fields) => console.warn(JSON.stringify({ level: 'warn', msg, ...fields, time: new Date().toISOString() })),
  error: (msg, fields) => console.error(JSON.stringify({ level: 'error', msg, ...fields, time: new Date().toISOString() })),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
