import { monotonicFactory, ulid as ulidWith } from 'ulid';
import { z } from 'zod';

/** Every id is `<prefix>_<ULID>`: sortable by creation time, and its kind is readable at a glance. */
export const ID_PREFIXES = {
  event: 'aud',
  organization: 'org',
  workspace: 'ws',
  apiKey: 'key',
  webhook: 'whk',
  delivery: 'dlv',
  attempt: 'att',
  retentionRun: 'ret',
  replay: 'rpl',
  checkpoint: 'chk',
  purgeRecord: 'prg',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Created on first use: the factory probes for a crypto source, which workflow sandboxes lack.
let ulid: ReturnType<typeof monotonicFactory> | undefined;

export function newId(kind: IdKind, now: number = Date.now()): string {
  ulid ??= monotonicFactory();
  return `${ID_PREFIXES[kind]}_${ulid(now)}`;
}

/**
 * An id from a caller-supplied clock and randomness: Temporal workflows use it with their
 * deterministic `Date.now()` and `Math.random()` so that replay yields the same id.
 */
export function newIdWith(kind: IdKind, now: number, random: () => number): string {
  return `${ID_PREFIXES[kind]}_${ulidWith(now, random)}`;
}

const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIXES[kind];
  return z
    .string()
    .max(64)
    .regex(new RegExp(`^${prefix}_${ULID_PATTERN}$`), { message: `must be a ${kind} id (${prefix}_…)` });
}
