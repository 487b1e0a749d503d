import { describe, expect, it } from 'vitest';
import { hasEntitlement, planChangeAction, retentionDays } from './plans.ts';
import { cutoffsByPlan, nextDailyRun, retentionCutoff } from './retention.ts';
import { idSchema, newId, newIdWith } from './ids.ts';
import { parseConfig } from './config.ts';

describe('plans', () => {
  it('keeps 365 days on Enterprise and 30 elsewhere, and gates the viewer and webhooks', () => {
    expect([retentionDays('enterprise'), retentionDays('team'), retentionDays('free')]).toEqual([365, 30, 30]);
    expect(hasEntitlement('enterprise', 'webhooks')).toBe(true);
    expect(hasEntitlement('team', 'viewer')).toBe(false);
    expect(planChangeAction('team', 'enterprise')).toBe('plan_upgraded');
    expect(planChangeAction('enterprise', 'free')).toBe('plan_downgraded');
    expect(planChangeAction('team', 'team')).toBe('plan_changed');
  });
});

describe('retention arithmetic', () => {
  const asOf = new Date('2026-03-01T03:00:00Z');
  it('cuts off exactly N days before asOf', () => {
    expect(retentionCutoff('team', asOf).toISOString()).toBe('2026-01-30T03:00:00.000Z');
    expect(cutoffsByPlan(asOf)).toEqual({
      enterprise: '2025-03-01T03:00:00.000Z',
      team: '2026-01-30T03:00:00.000Z',
      free: '2026-01-30T03:00:00.000Z',
    });
  });
  it('finds the next 03:00 UTC strictly after now', () => {
    expect(nextDailyRun(new Date('2026-11-30T02:59:59Z')).toISOString()).toBe('2026-11-30T03:00:00.000Z');
    expect(nextDailyRun(new Date('2026-11-30T03:00:00Z')).toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(nextDailyRun(new Date('2026-12-31T23:00:00Z')).toISOString()).toBe('2027-01-01T03:00:00.000Z');
  });
});

describe('ids', () => {
  it('are prefixed, valid and sortable by creation time', () => {
    const a = newId('event', 1_000);
    const b = newId('event', 2_000);
    expect(a < b).toBe(true);
    expect(idSchema('event').safeParse(a).success).toBe(true);
    expect(idSchema('workspace').safeParse(a).success).toBe(false);
    const ids = Array.from({ length: 1000 }, () => newId('event', 5_000));
    expect([...ids].sort()).toEqual(ids);
  });
  it('are reproducible from a given clock and randomness', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const first = newIdWith('retentionRun', 42, rnd);
    seed = 1;
    expect(newIdWith('retentionRun', 42, rnd)).toBe(first);
    expect(first).toMatch(/^ret_/);
  });
});

describe('parseConfig', () => {
  const base = {
    MONGODB_URI: 'mongodb://localhost:27017/',
    TEMPORAL_ADDRESS: 'localhost:7233',
    ADMIN_TOKEN: 'x'.repeat(24),
  };
  it('fills defaults', () => {
    const c = parseConfig(base);
    expect(c).toMatchObject({
      PORT: 3000,
      MONGODB_DB: 'audit_log',
      TEMPORAL_NAMESPACE: 'default',
      PUBLIC_BASE_URL: 'http://localhost:3000',
      WEBHOOK_ALLOW_PRIVATE: false,
    });
  });
  it('names every bad variable', () => {
    expect(() => parseConfig({ ...base, PORT: '70000', TEMPORAL_ADDRESS: 'nope', ADMIN_TOKEN: 'short' })).toThrow(
      /PORT: .*\n.*TEMPORAL_ADDRESS: must be host:port\n.*ADMIN_TOKEN: must be at least 24 characters/s,
    );
    expect(() => parseConfig({ ...base, MONGODB_URI: undefined })).toThrow(/MONGODB_URI/);
  });
});
