import { z } from 'zod';
import { badRequest } from '../errors.ts';

export interface Position {
  recordedAt: Date;
  id: string;
}

const CursorSchema = z.tuple([z.number().int().nonnegative(), z.string().max(64)]);

/** Opaque to clients: base64url of the last row's `(recordedAt, id)`. */
export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.recordedAt.getTime(), p.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const [ms, id] = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { recordedAt: new Date(ms), id };
  } catch {
    throw badRequest('cursor: is not a cursor this API returned');
  }
}
