import { randomUUID } from 'node:crypto';

/** What a caller's `x-request-id` may be: short, and nothing that could forge or break a log line. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The caller's id when it is well-formed (so a gateway's id joins its logs to ours), else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && WELL_FORMED.test(header) ? header : randomUUID();
}
