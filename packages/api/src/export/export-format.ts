import type { EventDoc, ExportedEventDoc } from '@audit/store';
import { stringify, type Options } from 'csv-stringify/sync';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const COLUMNS = [
  'id',
  'recordedAt',
  'occurredAt',
  'workspaceId',
  'workspaceName',
  'seq',
  'category',
  'action',
  'actorType',
  'actorId',
  'actorName',
  'actorEmail',
  'targetType',
  'targetId',
  'targetName',
  'description',
  'ip',
  'userAgent',
  'requestId',
  'idempotencyKey',
  'metadata',
  'hash',
] as const;

/**
 * RFC 4180 as spreadsheets read it: CRLF between records; a cell holding a comma, a quote or any
 * line break is quoted. Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
 * return that they strip first, or a full-width = + - @) as a formula, and event fields are
 * caller-controlled: escape_formulas prefixes such a cell with an apostrophe, which makes it text.
 * quote_record_delimiter must be explicit: with a CRLF delimiter the library would otherwise
 * leave a lone \n unquoted and split the record.
 */
const CSV: Options = { record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: true };

type Cell = string | number | null | undefined;

export function csvCell(value: Cell): string {
  return stringify([[value]], { ...CSV, eof: false });
}

export function csvHeader(): string {
  return stringify([[...COLUMNS]], CSV);
}

export function csvLine(doc: ExportedEventDoc, workspaceName: string): string {
  const cells: Cell[] = [
    doc._id,
    doc.recordedAt.toISOString(),
    doc.occurredAt.toISOString(),
    doc.workspaceId,
    workspaceName,
    doc.seq,
    doc.category,
    doc.action,
    doc.actor.type,
    doc.actor.id,
    doc.actor.name,
    doc.actor.email,
    doc.target?.type,
    doc.target?.id,
    doc.target?.name,
    doc.description,
    doc.context.ip,
    doc.context.userAgent,
    doc.context.requestId,
    doc.idempotencyKey,
    Object.keys(doc.metadata).length > 0 ? JSON.stringify(doc.metadata) : '',
    doc.hash ?? '',
  ];
  return stringify([cells], CSV);
}

/** One event per line, in the API's shape, so a line parses to what `events.get` returns. */
export function ndjsonLine(
  doc: ExportedEventDoc & Partial<Pick<EventDoc, 'idem' | 'tokens'>>,
  workspaceName: string,
): string {
  // The store's export read leaves these out; a whole stored event drops them here.
  const { _id, idem: _idem, tokens: _tokens, occurredAt, recordedAt, ...rest } = doc;
  return `${JSON.stringify({ id: _id, ...rest, workspaceName, occurredAt: occurredAt.toISOString(), recordedAt: recordedAt.toISOString(), hash: rest.hash ?? null })}\n`;
}
