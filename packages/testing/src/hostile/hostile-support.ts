import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { AuditEvent } from '@audit/shared';

/** `HOSTILE_RUNS=10` runs every property ten times as often; the default keeps CI under a minute. */
export const SCALE = Math.max(0.01, Number(process.env.HOSTILE_RUNS ?? 1) || 1);
const SEED = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined;

export function params(baseRuns: number): { numRuns: number; seed?: number } {
  return { numRuns: Math.max(1, Math.round(baseRuns * SCALE)), ...(SEED === undefined ? {} : { seed: SEED }) };
}

export function timeoutMs(baseMs: number): number {
  return Math.round(baseMs * Math.max(1, SCALE));
}

export type Outcome = { ok: true; value: any } | { ok: false; code: string; message: string };

/**
 * The result of a call, or its client error. Anything the API would answer with a 5xx fails the
 * property, except an error the caller expects (e.g. Temporal deliberately absent).
 */
export async function settle(call: () => Promise<unknown>, expected5xx?: RegExp): Promise<Outcome> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    if (!(err instanceof TRPCError)) throw new Error(`threw something other than a TRPCError: ${String(err)}`);
    const status = getHTTPStatusCodeFromError(err);
    if (status >= 500 && !expected5xx?.test(err.message)) {
      throw new Error(`answered ${status} ${err.code}: ${err.message} (cause: ${String(err.cause)})`);
    }
    return { ok: false, code: err.code, message: err.message };
  }
}

/** Calls a procedure by its dotted path, as HTTP would, on a caller from `createCaller`. */
export function callPath(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<any>((node, key) => node[key], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

/** The fields of a returned event that must equal what was sent, JSON-normalised. */
export function sentFields(event: AuditEvent, withOccurredAt: boolean): Record<string, unknown> {
  const { category, action, actor, target, description, metadata, context, idempotencyKey, occurredAt } = event;
  const view = {
    category,
    action,
    actor,
    target,
    description,
    metadata,
    context,
    idempotencyKey,
    ...(withOccurredAt ? { occurredAt } : {}),
  };
  return JSON.parse(JSON.stringify(view)) as Record<string, unknown>;
}
