import { afterAll, beforeAll } from 'vitest';
import { openTestEnv, type TestEnv } from './support.ts';
import { startReceiver, type Receiver } from './webhook-receiver.ts';

export interface WorkerSuite {
  /** The file's environment, once `beforeAll` has run. */
  readonly env: TestEnv;
  /** A receiver closed with the suite. */
  receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver>;
}

/**
 * A test file's environment with a worker running, and receivers that close with it: the set-up
 * every streaming test file shares. Call it at the top level of the file.
 */
export function useWorkerSuite(config: Record<string, string>): WorkerSuite {
  let env: TestEnv | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    env = await openTestEnv(config);
    await env.startWorker();
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await env?.close();
  });
  return {
    get env() {
      if (!env) throw new Error('the suite environment is opened in beforeAll');
      return env;
    },
    async receiver(...args) {
      const r = await startReceiver(...args);
      receivers.push(r);
      return r;
    },
  };
}
