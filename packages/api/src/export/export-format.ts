import type { EventDoc } from '@audit/store';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const COLUMNS = [
  'id', 'recordedAt', 'occurredAt', 'workspaceId', 'workspaceName', 'seq', 'category', 'action',
  'actorType', 'actorId', 'actorName', 'actorEmail', 'targetType', 'targetId', 'targetName',
  'description', 'ip', 'userAgent', 'requestId', 'idempotencyKey', 'metadata',
] as const;

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return that they strip
 * first) as a formula; a leading apostrophe makes it text. Event fields are caller-controlled.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = neutralizeFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

export function csvLine(doc: EventDoc, workspaceName: string): string {
  const cells = [
    doc._id, doc.recordedAt.toISOString(), doc.occurredAt.toISOString(), doc.workspaceId, workspaceName, doc.seq, doc.category, doc.action,
    doc.actor.type, doc.actor.id, doc.actor.name, doc.actor.email, doc.target?.type, doc.target?.id, doc.target?.name,
    doc.description, doc.context.ip, doc.context.userAgent, doc.context.requestId, doc.idempotencyKey,
    Object.keys(doc.metadata).length > 0 ? JSON.stringify(doc.metadata) : '',
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** One event per line, in the API's shape, so a line parses to what `events.get` returns. */
export function ndjsonLine(doc: EventDoc, workspaceName: string): string {
  const { _id, idem: _idem, tokens: _tokens, occurredAt, recordedAt, ...rest } = doc;
  return `${JSON.stringify({ id: _id, ...rest, workspaceName, occurredAt: occurredAt.toISOString(), recordedAt: recordedAt.toISOString() })}\n`;
}
