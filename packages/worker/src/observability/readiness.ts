import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Store } from '@audit/store';

const CHECK_TIMEOUT_MS = 2_000;

export interface Check {
  ok: boolean;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: { worker: Check; temporal: Check; mongodb: Check };
}

/** What the readiness check reads; the worker and its connection appear once start-up reaches them. */
export interface ReadinessSources {
  worker: () => Worker | null;
  connection: () => NativeConnection | null;
  store: Store;
}

async function check(fn: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([fn(), timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Ready: the worker is polling its task queue, and Temporal and the database answer now. */
export async function workerReadiness(src: ReadinessSources): Promise<Readiness> {
  const worker = src.worker();
  const state = worker?.getState() ?? 'STARTING';
  const workerCheck: Check = state === 'RUNNING' ? { ok: true } : { ok: false, error: `worker ${state.toLowerCase()}` };
  const connection = src.connection();
  const [temporal, mongodb] = await Promise.all([
    connection
      ? check(() => connection.healthService.check({}))
      : Promise.resolve({ ok: false, error: 'not connected to Temporal yet' }),
    check(() => src.store.db.command({ ping: 1 })),
  ]);
  return { ready: workerCheck.ok && temporal.ok && mongodb.ok, checks: { worker: workerCheck, temporal, mongodb } };
}
