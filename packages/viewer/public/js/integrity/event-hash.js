// @ts-check
// An event's hash, exactly as the service computes it when it assigns the seq: SHA-256 of the
// RFC 8785 (JSON Canonicalization Scheme) encoding of these fields, dates as ISO 8601 UTC with
// milliseconds.
import { sha256, toHex, utf8 } from './bytes.js';

/** @typedef {(value: unknown) => string | undefined} Canonicalize RFC 8785 canonical JSON of a JSON value */

export const HASHED_FIELDS = /** @type {const} */ ([
  'id',
  'workspaceId',
  'organizationId',
  'seq',
  'category',
  'action',
  'actor',
  'target',
  'description',
  'metadata',
  'occurredAt',
  'recordedAt',
  'context',
]);

/**
 * @typedef {{ id: string, workspaceId: string, organizationId: string, seq: number, category: string, action: string,
 *   actor: Record<string, unknown>, target: Record<string, unknown> | null, description: string | null,
 *   metadata: Record<string, unknown>, occurredAt: string, recordedAt: string, context: Record<string, unknown> }} HashableEvent
 */

/**
 * The canonical text that is hashed: the event as the API returns it, reduced to the hashed fields.
 * @param {HashableEvent} e @param {Canonicalize} canonicalize @returns {string}
 */
export function hashInput(e, canonicalize) {
  /** @type {Record<string, unknown>} */
  const fields = {};
  for (const f of HASHED_FIELDS) fields[f] = e[f];
  // Every key is present: a missing target or description is null.
  fields.target = e.target ?? null;
  fields.description = e.description ?? null;
  fields.occurredAt = new Date(e.occurredAt).toISOString();
  fields.recordedAt = new Date(e.recordedAt).toISOString();
  const text = canonicalize(fields);
  if (text === undefined) throw new Error('the event has no canonical JSON form');
  return text;
}

/** @param {HashableEvent} e @param {Canonicalize} canonicalize @param {SubtleCrypto} subtle @returns {Promise<string>} lowercase hex */
export async function eventHash(e, canonicalize, subtle) {
  return toHex(await sha256(subtle, utf8(hashInput(e, canonicalize))));
}
