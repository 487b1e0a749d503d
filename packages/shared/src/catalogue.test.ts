import { describe, expect, it } from 'vitest';
import { CATALOGUE, CATALOGUE_ACTIONS, CATEGORIES, isCatalogued, RECORDABLE_CATEGORIES } from './catalogue.ts';

describe('catalogue', () => {
  it('has the 13 documented categories in order, then the service’s own', () => {
    expect(CATEGORIES).toEqual([
      'workspace',
      'team_member',
      'github',
      'permission',
      'schedule',
      'workflow',
      'pull_request',
      'release',
      'instance',
      'lock',
      'auth',
      'billing',
      'entitlement',
      'audit',
    ]);
  });

  it('holds the documented actions word for word', () => {
    expect(CATALOGUE.workspace).toEqual([
      'created',
      'updated',
      'deleted',
      'renamed',
      'slug_changed',
      'logo_updated',
      'settings_changed',
    ]);
    expect(CATALOGUE.auth).toEqual(['oidc_token_exchange_success', 'oidc_token_exchange_failure']);
    expect(CATALOGUE.instance).toEqual(['drift_status_updated']);
    expect(CATALOGUE.billing).toContain('payment_failed');
    expect(CATALOGUE.entitlement).toEqual(['plan_upgraded', 'plan_downgraded', 'plan_changed']);
    expect(CATALOGUE_ACTIONS).toHaveLength(40);
    expect(RECORDABLE_CATEGORIES).toHaveLength(13);
    expect(RECORDABLE_CATEGORIES).not.toContain('audit');
  });

  it('accepts only catalogued pairs', () => {
    expect(isCatalogued('lock', 'created')).toBe(true);
    expect(isCatalogued('lock', 'merged')).toBe(false);
    expect(isCatalogued('__proto__', 'created')).toBe(false);
    expect(isCatalogued('toString', 'length')).toBe(false);
  });
});
