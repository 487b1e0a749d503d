import { PLAN_NAMES, retentionDays, type Plan } from './plans.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The purge runs daily at this UTC hour; the Schedule and `nextPurgeAt` both read it. */
export const PURGE_HOUR_UTC = 3;

/** An event is expired when recorded before this instant. */
export function retentionCutoff(plan: Plan, asOf: Date): Date {
  return new Date(asOf.getTime() - retentionDays(plan) * DAY_MS);
}

export function cutoffsByPlan(asOf: Date): Record<Plan, string> {
  return Object.fromEntries(PLAN_NAMES.map((p) => [p, retentionCutoff(p, asOf).toISOString()])) as Record<Plan, string>;
}

/** The first daily run strictly after `now`. */
export function nextDailyRun(now: Date, hourUtc: number = PURGE_HOUR_UTC): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc, 0, 0, 0));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
