import { z } from 'zod';

/**
 * Rate limits: a number of requests per fixed window, per API key and per workspace, for each
 * kind of call. Pure: the limiter that counts lives in the API; this is what it counts against.
 */
export const RATE_LIMIT_CLASSES = ['record', 'search', 'export', 'other'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

/** What a limit of a class covers, as its refusal names it. */
export const RATE_LIMIT_LABELS: Record<RateLimitClass, string> = {
  record: 'recording (events.record, events.recordBatch)',
  search: 'search (events.list)',
  export: 'export (GET/POST /export)',
  other: 'reads and management (events.get, webhooks.*, retention.status)',
};

/** Procedures of the first two classes (export is a route of its own, not a procedure). */
const CLASS_OF_PROCEDURE: ReadonlyMap<string, RateLimitClass> = new Map([
  ['events.record', 'record'],
  ['events.recordBatch', 'record'],
  ['events.list', 'search'],
]);

/** The class a call of this procedure path is counted in: any other path, known or not, is `other`. */
export function rateLimitClassOf(procedurePath: string): RateLimitClass {
  return CLASS_OF_PROCEDURE.get(procedurePath) ?? 'other';
}

export interface RateLimit {
  points: number;
  windowMs: number;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const SPEC = /^(\d{1,7})\/(\d{1,6})?(ms|s|m|h)$/;
const MIN_WINDOW_MS = 100;
const MAX_WINDOW_MS = 3_600_000;

/** `100/1s`, `5/1m`, `20/500ms` (also `20/s`): requests per window. Null when malformed. */
export function parseRateLimit(spec: string): RateLimit | null {
  const m = SPEC.exec(spec.trim());
  if (!m) return null;
  const points = Number(m[1]);
  const windowMs = Number(m[2] ?? 1) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
  if (points < 1 || windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) return null;
  return { points, windowMs };
}

/** `1 s`, `500 ms`, `1 min`: how a refusal quotes the window. */
export function formatWindow(windowMs: number): string {
  if (windowMs % 3_600_000 === 0) return `${windowMs / 3_600_000} h`;
  if (windowMs % 60_000 === 0) return `${windowMs / 60_000} min`;
  if (windowMs % 1000 === 0) return `${windowMs / 1000} s`;
  return `${windowMs} ms`;
}

/** A config variable holding a limit: parsed at start-up, so a typo stops the process by name. */
export const rateLimitSetting = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const limit = parseRateLimit(v);
      if (!limit) {
        ctx.addIssue({
          code: 'custom',
          message: `must be <requests>/<window>, e.g. 100/1s or 5/1m (window ${MIN_WINDOW_MS} ms to 1 h)`,
        });
        return z.NEVER;
      }
      return limit;
    });

/** The defaults, one place for config and README: recording is generous, search and export stricter. */
export const RATE_LIMIT_DEFAULTS = {
  RATE_LIMIT_RECORD_PER_KEY: '100/1s',
  RATE_LIMIT_RECORD_PER_WORKSPACE: '300/1s',
  RATE_LIMIT_SEARCH_PER_KEY: '5/1s',
  RATE_LIMIT_SEARCH_PER_WORKSPACE: '10/1s',
  RATE_LIMIT_EXPORT_PER_KEY: '5/1m',
  RATE_LIMIT_EXPORT_PER_WORKSPACE: '10/1m',
  RATE_LIMIT_OTHER_PER_KEY: '50/1s',
  RATE_LIMIT_OTHER_PER_WORKSPACE: '100/1s',
} as const;

export const RateLimitConfigFields = {
  /** `false` turns every limit off (tests that are not about limits; a gateway that limits instead). */
  RATE_LIMIT_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  RATE_LIMIT_RECORD_PER_KEY: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_RECORD_PER_KEY),
  RATE_LIMIT_RECORD_PER_WORKSPACE: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_RECORD_PER_WORKSPACE),
  RATE_LIMIT_SEARCH_PER_KEY: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_SEARCH_PER_KEY),
  RATE_LIMIT_SEARCH_PER_WORKSPACE: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_SEARCH_PER_WORKSPACE),
  RATE_LIMIT_EXPORT_PER_KEY: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_EXPORT_PER_KEY),
  RATE_LIMIT_EXPORT_PER_WORKSPACE: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_EXPORT_PER_WORKSPACE),
  RATE_LIMIT_OTHER_PER_KEY: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_OTHER_PER_KEY),
  RATE_LIMIT_OTHER_PER_WORKSPACE: rateLimitSetting(RATE_LIMIT_DEFAULTS.RATE_LIMIT_OTHER_PER_WORKSPACE),
  /**
   * Exports (`/export`) one workspace (an organization key's: organization) may have streaming at
   * once in one API process; 0 turns the cap off. The export window bounds how many start per
   * minute; this bounds how many run together (measured: docs/decisions/0003-rate-limits-for-cheap-reads.md).
   */
  RATE_LIMIT_CONCURRENT_EXPORTS: z.coerce
    .number()
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be at least 0 (0 turns the cap off)' })
    .max(1000, { message: 'must be at most 1000' })
    .default(2),
};

type RateLimitConfig = { [K in keyof typeof RATE_LIMIT_DEFAULTS]: RateLimit };

/** The two limits a call of this class is counted against. */
export function limitsFor(config: RateLimitConfig, cls: RateLimitClass): { key: RateLimit; workspace: RateLimit } {
  const name = cls.toUpperCase() as Uppercase<RateLimitClass>;
  return { key: config[`RATE_LIMIT_${name}_PER_KEY`], workspace: config[`RATE_LIMIT_${name}_PER_WORKSPACE`] };
}
