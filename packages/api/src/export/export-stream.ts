import type { ExportedEventDoc } from '@audit/store';
import { csvHeader, csvLine, ndjsonLine, type ExportFormat } from './export-format.ts';

// Large enough that a chunk is not one syscall per row, small enough to stay bounded.
const CHUNK_CHARS = 64 * 1024;

/**
 * The export's text, produced as the consumer reads: `Readable.from` pulls the next chunk only
 * when the response has room, so a slow client slows the database cursor, never fills memory.
 */
export async function* exportChunks(
  rows: AsyncIterable<ExportedEventDoc>,
  format: ExportFormat,
  names: ReadonlyMap<string, string>,
): AsyncGenerator<string> {
  let chunk = format === 'csv' ? csvHeader() : '';
  const line = format === 'csv' ? csvLine : ndjsonLine;
  for await (const doc of rows) {
    chunk += line(doc, names.get(doc.workspaceId) ?? '');
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
