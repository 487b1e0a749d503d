import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startService, type ManagedProcess } from '@audit/local-servers';
import type { Config } from '@audit/shared';

/** The worker as `npm start` runs it, configured only by environment, on the drill's servers. */
export async function startWorkerProcess(config: Config, logDir: string, name = 'worker'): Promise<ManagedProcess> {
  const logFile = join(logDir, `${name}.log`);
  const env: Record<string, string> = {
    MONGODB_URI: config.MONGODB_URI,
    MONGODB_DB: config.MONGODB_DB,
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    ADMIN_TOKEN: config.ADMIN_TOKEN,
    PUBLIC_BASE_URL: config.PUBLIC_BASE_URL,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_LOOPBACK_ONLY: 'true',
    WEBHOOK_RETRY_SCHEDULE: config.WEBHOOK_RETRY_SCHEDULE ?? '0,1s,2s,5s',
    WEBHOOK_LINGER_MS: String(config.WEBHOOK_LINGER_MS),
    // Info: readiness below is the `worker running` line. No metrics port: drills run several workers.
    LOG_LEVEL: 'info',
    WORKER_METRICS_PORT: '0',
  };
  const proc = startService('worker', env, logFile);
  // It bundles the workflow code from source before polling: readiness is its own log line.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (log.includes('"msg":"worker running"')) return proc;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`${name} exited before it ran:\n${log.slice(-2000)}`);
    if (Date.now() > deadline) {
      proc.child.kill('SIGKILL');
      throw new Error(`${name} not running within 120 s:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function killHard(proc: ManagedProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGKILL');
  await exited;
}
