import type { Finding, FindingKind, VerifyReport } from '@audit/shared/integrity/verify-core';

const LABELS: Record<FindingKind, string> = {
  modified: 'modified',
  missing: 'missing',
  inserted: 'inserted',
  reordered: 'reordered',
  'bad-signature': 'bad signature',
  'broken-chain': 'broken chain',
  'unknown-key': 'unknown key',
  'bad-root': 'bad root',
  rewritten: 'rewritten',
};

const n = (x: number) => x.toLocaleString('en-US');

function where(f: Finding): string {
  const parts = [
    f.checkpoint !== undefined && `checkpoint #${f.checkpoint}`,
    f.seq !== undefined && `seq ${f.seq}`,
    f.eventId !== undefined && `event ${f.eventId}`,
  ].filter(Boolean);
  return parts.length ? `[${parts.join(', ')}] ` : '';
}

/** The human-readable report: what was checked, then one line per finding. */
export function formatReport(
  report: VerifyReport,
  context: { workspaceId: string; source: string; since?: Date },
): string {
  const c = report.counts;
  const lines = [
    `Audit log of workspace ${context.workspaceId || '(none found)'} from ${context.source}${context.since ? `, since ${context.since.toISOString()}` : ''}`,
    `  events ${n(c.events)}: sealed ${n(c.sealed)}, unsealed ${n(c.unsealed)}; purged ${n(c.purged)}`,
    `  checkpoints ${n(c.checkpoints)}, purge records ${n(c.purgeRecords)}`,
  ];
  if (report.ok) {
    lines.push(`OK: every sealed event matches its checkpoint, and every signature and chain link holds.`);
    if (c.unsealed > 0)
      lines.push(
        `  (${n(c.unsealed)} event${c.unsealed === 1 ? ' is' : 's are'} not sealed in a checkpoint yet, so not covered by this check.)`,
      );
    return lines.join('\n');
  }
  lines.push(`FAILED: ${n(report.findings.length)} finding${report.findings.length === 1 ? '' : 's'}`);
  const width = Math.max(...report.findings.map((f) => LABELS[f.kind].length));
  for (const f of report.findings) lines.push(`  ${LABELS[f.kind].padEnd(width)}  ${where(f)}${f.message}`);
  return lines.join('\n');
}
