import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startService, type ManagedProcess } from '@audit/local-servers';
import type { Config } from '@audit/shared';
import type { DeliveryDoc } from '@audit/store';
import type { ReceivedRequest } from '@audit/testing';
import { verifyBatch } from '../streams/stream-support.ts';

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
  /** Events that arrived but were not recorded by the drill. */
  unknown: string[];
  /** Requests whose signature fails, or whose body the CloudEvents SDK cannot read. */
  forged: string[];
  /** A webhook-id seen again with other events, or the same events in another order. */
  altered: string[];
  /** An event carried by two different batches (a copy that is not a retry of the same batch). */
  redelivered: string[];
  /** Batches whose first events do not follow the previous batch's last, in arrival order. */
  reordered: string[];
  /** Requests that repeated an earlier batch whole, under its webhook-id. */
  duplicates: number;
  /** Distinct batches (webhook-ids) that carried the events. */
  batches: number;
}

/**
 * Zero loss, as a receiver sees it, per event from batches: every request verified with
 * standardwebhooks over the exact bytes and parsed with the CloudEvents SDK; every recorded event
 * arrived, nothing else did; each event in exactly one batch; the batches, in the order they first
 * arrived, in `seq` order; and any copy (a retry after a crash) is that same batch whole, under
 * its own webhook-id, with the same events in the same order.
 */
export function lossReport(eventIds: string[], requests: ReceivedRequest[], secret: string): LossReport {
  const wanted = new Set(eventIds);
  const batches = new Map<string, { ids: string[]; seqs: number[] }>();
  const carriedBy = new Map<string, string>();
  const report: LossReport = { missing: [], unknown: [], forged: [], altered: [], redelivered: [], reordered: [], duplicates: 0, batches: 0 };
  let lastSeq = -Infinity;
  for (const r of requests) {
    const webhookId = r.headers['webhook-id'] ?? '';
    let events;
    try {
      events = verifyBatch(r, secret);
    } catch (err) {
      report.forged.push(`${webhookId}: ${(err as Error).message}`);
      continue;
    }
    const ids = events.map((e) => e.id);
    const seqs = events.map((e) => Number(e['auditseq']));
    const seen = batches.get(webhookId);
    if (seen) {
      report.duplicates += 1;
      if (seen.ids.join() !== ids.join()) report.altered.push(`${webhookId}: [${seen.ids.join(',')}] then [${ids.join(',')}]`);
      continue;
    }
    batches.set(webhookId, { ids, seqs });
    for (const id of ids) {
      const other = carriedBy.get(id);
      if (other) report.redelivered.push(`${id}: in ${other} and ${webhookId}`);
      else carriedBy.set(id, webhookId);
      if (!wanted.has(id)) report.unknown.push(id);
    }
    for (const seq of seqs) {
      if (!(seq > lastSeq)) report.reordered.push(`${webhookId}: seq ${seq} after ${lastSeq}`);
      lastSeq = Math.max(lastSeq, seq);
    }
  }
  report.missing = eventIds.filter((id) => !carriedBy.has(id));
  report.batches = batches.size;
  return report;
}

/** What a drill expects of a report: nothing lost, forged, altered, copied into another batch or reordered. */
export function clean(report: LossReport): LossReport {
  return { ...report, missing: [], unknown: [], forged: [], altered: [], redelivered: [], reordered: [] };
}

/** Each event in exactly one stream batch, settled as succeeded: the store agrees with the receiver. */
export function unsettled(eventIds: string[], deliveries: DeliveryDoc[]): string[] {
  const byEvent = new Map<string, DeliveryDoc[]>();
  for (const d of deliveries) for (const id of d.eventIds) byEvent.set(id, [...(byEvent.get(id) ?? []), d]);
  return eventIds.flatMap((id) => {
    const rows = byEvent.get(id) ?? [];
    if (rows.length !== 1) return [`${id}: in ${rows.length} batches`];
    return rows[0]!.status === 'succeeded' ? [] : [`${id}: ${rows[0]!._id} ${rows[0]!.status} (${rows[0]!.lastError ?? ''})`];
  });
}
