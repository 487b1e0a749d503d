import { z } from 'zod';

/** The one table of what each plan gets. Retention and gating read nothing else. */
export const PLANS = {
  enterprise: { retentionDays: 365, entitlements: { viewer: true, webhooks: true } },
  team: { retentionDays: 30, entitlements: { viewer: false, webhooks: false } },
  free: { retentionDays: 30, entitlements: { viewer: false, webhooks: false } },
} as const;

export type Plan = keyof typeof PLANS;
export type Entitlement = keyof (typeof PLANS)['enterprise']['entitlements'];

export const PLAN_NAMES = Object.keys(PLANS) as Plan[];
export const PlanSchema = z.enum(PLAN_NAMES as [Plan, ...Plan[]]);

/** Higher rank means a more capable plan; decides upgrade versus downgrade. */
const PLAN_RANK: Record<Plan, number> = { free: 0, team: 1, enterprise: 2 };

export function retentionDays(plan: Plan): number {
  return PLANS[plan].retentionDays;
}

export function hasEntitlement(plan: Plan, entitlement: Entitlement): boolean {
  return PLANS[plan].entitlements[entitlement];
}

export function plansWithEntitlement(entitlement: Entitlement): Plan[] {
  return PLAN_NAMES.filter((p) => hasEntitlement(p, entitlement));
}

export function planChangeAction(from: Plan, to: Plan): 'plan_upgraded' | 'plan_downgraded' | 'plan_changed' {
  if (PLAN_RANK[to] > PLAN_RANK[from]) return 'plan_upgraded';
  if (PLAN_RANK[to] < PLAN_RANK[from]) return 'plan_downgraded';
  return 'plan_changed';
}
