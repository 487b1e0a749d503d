import type { DeliveryDoc } from '@audit/store';
import { verifyBatch } from '../streams/stream-support.ts';
import type { ReceivedRequest } from '../webhook-receiver.ts';

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
  const report: LossReport = {
    missing: [],
    unknown: [],
    forged: [],
    altered: [],
    redelivered: [],
    reordered: [],
    duplicates: 0,
    batches: 0,
  };
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
      if (seen.ids.join() !== ids.join())
        report.altered.push(`${webhookId}: [${seen.ids.join(',')}] then [${ids.join(',')}]`);
      continue;
    }
    batches.set(webhookId, { ids, seqs });
    for (const [i, id] of ids.entries()) {
      const other = carriedBy.get(id);
      if (other) report.redelivered.push(`${id}: in ${other} and ${webhookId}`);
      else carriedBy.set(id, webhookId);
      // The worker's checkpoint Schedule seals during a drill: its signed checkpoints arrive too, by design.
      if (!wanted.has(id) && events[i]!.type !== 'pro.atmos.audit.checkpoint') report.unknown.push(id);
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
    return rows[0]!.status === 'succeeded'
      ? []
      : [`${id}: ${rows[0]!._id} ${rows[0]!.status} (${rows[0]!.lastError ?? ''})`];
  });
}
