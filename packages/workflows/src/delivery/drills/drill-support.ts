import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startService, type ManagedProcess } from '@audit/local-servers';
import type { Config } from '@audit/shared';
import type { DeliveryDoc } from '@audit/store';
import type { ReceivedRequest } from '@audit/testing';

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
    LOG_LEVEL: 'warn',
  };
  const proc = startService('worker', env, logFile);
  // It bundles the workflow code from source before polling: readiness is its own log line.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (log.includes('"msg":"worker running"')) return proc;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${name} exited before it ran:\n${log.slice(-2000)}`);
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

export const drillEvent = (n: number) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_drill' },
  target: { type: 'stack', id: `stk_${n}` },
  idempotencyKey: `drill-${n}`,
});

export interface LossReport {
  missing: string[];
  unknown: string[];
  /** Requests whose webhook-id is not the CloudEvent id they carry, or whose signature fails. */
  forged: string[];
  duplicates: number;
}

/**
 * Zero loss, as a receiver sees it: every recorded event arrived, nothing else did, and every
 * copy of an event (a retry after a crash) carried that event's own webhook-id and a valid signature.
 */
export function lossReport(eventIds: string[], requests: ReceivedRequest[], secret: string): LossReport {
  const wanted = new Set(eventIds);
  const seen = new Map<string, number>();
  const forged: string[] = [];
  const wh = new Webhook(secret);
  for (const r of requests) {
    const id = r.headers['webhook-id'] ?? '';
    seen.set(id, (seen.get(id) ?? 0) + 1);
    try {
      wh.verify(r.body, r.headers);
      if ((JSON.parse(r.body) as { id?: string }).id !== id) forged.push(`${id}: body id differs`);
    } catch (err) {
      forged.push(`${id}: ${(err as Error).message}`);
    }
  }
  return {
    missing: eventIds.filter((id) => !seen.has(id)),
    unknown: [...seen.keys()].filter((id) => !wanted.has(id)),
    forged,
    duplicates: requests.length - seen.size,
  };
}

/** One delivery row per event, each settled as succeeded: the store agrees with the receiver. */
export function unsettled(eventIds: string[], deliveries: DeliveryDoc[]): string[] {
  const byEvent = new Map<string, DeliveryDoc[]>();
  for (const d of deliveries) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
  return eventIds.flatMap((id) => {
    const rows = byEvent.get(id) ?? [];
    if (rows.length !== 1) return [`${id}: ${rows.length} delivery rows`];
    return rows[0]!.status === 'succeeded' ? [] : [`${id}: ${rows[0]!.status} (${rows[0]!.lastError ?? ''})`];
  });
}
