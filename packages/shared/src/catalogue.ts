import { z } from 'zod';

/**
 * The product's documented event catalogue. Billing and entitlement actions are ours to define;
 * the rest mirror the product documentation word for word, because customers alert on them.
 */
export const CATALOGUE = {
  workspace: ['created', 'updated', 'deleted', 'renamed', 'slug_changed', 'logo_updated', 'settings_changed'],
  team_member: ['invited', 'removed', 'role_changed'],
  github: ['repository_imported', 'repository_removed'],
  permission: ['assigned', 'removed', 'default_created', 'default_removed'],
  schedule: ['created', 'updated', 'deleted'],
  workflow: ['dispatched', 'completed', 'failed'],
  pull_request: ['opened', 'updated', 'merged'],
  release: ['created'],
  instance: ['drift_status_updated'],
  lock: ['created', 'deleted'],
  auth: ['oidc_token_exchange_success', 'oidc_token_exchange_failure'],
  billing: [
    'subscription_created',
    'subscription_updated',
    'subscription_canceled',
    'payment_succeeded',
    'payment_failed',
  ],
  entitlement: ['plan_upgraded', 'plan_downgraded', 'plan_changed'],
  // The service's own record of the log: a signed checkpoint over the events before it. Listed
  // so search, filters and the CloudEvent type know it; callers cannot record it (see below).
  audit: ['checkpoint'],
} as const satisfies Record<string, readonly string[]>;

export type Category = keyof typeof CATALOGUE;
export type ActionOf<C extends Category> = (typeof CATALOGUE)[C][number];

export const CATEGORIES = Object.keys(CATALOGUE) as Category[];

/** Categories only the service records: an API caller sending one is refused. */
export const SYSTEM_CATEGORIES: readonly Category[] = ['audit'];

/** The categories a caller may record: the product's 13. */
export const RECORDABLE_CATEGORIES = CATEGORIES.filter((c) => !SYSTEM_CATEGORIES.includes(c));
export const CategorySchema = z.enum(CATEGORIES as [Category, ...Category[]]);

export function isCatalogued(category: string, action: string): boolean {
  if (!Object.hasOwn(CATALOGUE, category)) return false;
  return (CATALOGUE as Record<string, readonly string[]>)[category]!.includes(action);
}

/** Every `category.action` pair, in catalogue order. */
export const CATALOGUE_ACTIONS: string[] = CATEGORIES.flatMap((c) => CATALOGUE[c].map((a) => `${c}.${a}`));
