import { z } from 'zod';
import { badRequest } from '../errors.ts';

export interface Position {
  recordedAt: Date;
  id: string;
}

/** Which side of the position a page lies: older rows (next) or newer rows (previous). */
export type Direction = 'older' | 'newer';

export interface Cursor extends Position {
  direction: Direction;
}

const CursorSchema = z.union([
  z.tuple([z.number().int().nonnegative(), z.string().max(64)]),
  z.tuple([z.number().int().nonnegative(), z.string().max(64), z.literal(1)]),
]);

/** Opaque to clients: base64url of a row's `(recordedAt, id)`, with a marker when it pages back. */
export function encodeCursor(p: Position, direction: Direction = 'older'): string {
  const tuple = direction === 'older' ? [p.recordedAt.getTime(), p.id] : [p.recordedAt.getTime(), p.id, 1];
  return Buffer.from(JSON.stringify(tuple)).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const [ms, id, back] = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { recordedAt: new Date(ms), id, direction: back === 1 ? 'newer' : 'older' };
  } catch {
    throw badRequest('cursor: is not a cursor this API returned');
  }
}
