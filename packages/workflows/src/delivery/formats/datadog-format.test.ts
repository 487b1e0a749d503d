import { CATALOGUE, CATEGORIES } from '@audit/shared';
import { describe, expect, it } from 'vitest';
import { datadogEntry, datadogLogs, datadogMessage, datadogStatus } from './datadog-format.ts';
import { toEnvelope } from './envelope.ts';
import { allEvents, auditEvent, ctx, failureEvent, lockEvent, trickyEvent, webhookTestEvent } from './test-fixtures.ts';

describe('datadog', () => {
  it('sends a JSON array of log entries, reserved attributes first and the envelope under audit', () => {
    const { headers, body } = datadogLogs.render([lockEvent, failureEvent], ctx);
    expect(headers).toEqual({ 'content-type': 'application/json' });
    const [entry, second] = JSON.parse(body) as Record<string, unknown>[];
    expect(Object.keys(entry!)).toEqual([
      'ddsource',
      'service',
      'hostname',
      'status',
      'message',
      'ddtags',
      'event_id',
      'event_type',
      'timestamp',
      'date',
      'evt',
      'usr',
      'audit',
    ]);
    expect(entry).toStrictEqual({
      ddsource: 'atmos-audit-log',
      service: 'atmos',
      hostname: 'audit.example.com',
      status: 'info',
      message: 'Zoë Åström lock.created vpc (prod)',
      ddtags:
        'source:atmos-audit-log,category:lock,action:lock.created,workspace_id:ws_01JABCDEFGHJKMNPQRSTVWXYZ1,organization_id:org_01JABCDEFGHJKMNPQRSTVWXYZ2',
      event_id: lockEvent.id,
      event_type: 'pro.atmos.lock.created',
      timestamp: Date.parse('2026-11-30T05:00:00.123Z'),
      date: '2026-11-30T05:00:00.123Z',
      evt: { name: 'pro.atmos.lock.created', category: 'lock' },
      usr: { id: 'usr_8f2c', name: 'Zoë Åström', email: 'zoe@example.com' },
      audit: toEnvelope(lockEvent),
    });
    expect(second).toMatchObject({
      status: 'warn',
      message: 'app_1 auth.oidc_token_exchange_failure',
      event_type: 'pro.atmos.auth.oidc_token_exchange_failure',
    });
    expect(second).not.toHaveProperty('usr');
  });

  it('marks every catalogued failure action warn, and only those', () => {
    const failures = CATEGORIES.flatMap((c) =>
      CATALOGUE[c].filter((a) => datadogStatus(a) === 'warn').map((a) => `${c}.${a}`),
    );
    expect(failures).toEqual(['workflow.failed', 'auth.oidc_token_exchange_failure', 'billing.payment_failed']);
    expect(datadogStatus('payment_succeeded')).toBe('info');
  });

  it('uses the description as the message, else actor, action and target by name or id', () => {
    expect(datadogMessage(trickyEvent)).toBe('Überprüfung ✓ "quoted" \\ back');
    expect(
      datadogMessage(auditEvent({ actor: { type: 'api_key', id: 'key_1' }, target: { type: 'stack', id: 'stk_1' } })),
    ).toBe('key_1 lock.created stk_1');
    expect(datadogMessage(auditEvent({ actor: { type: 'user', id: 'usr_1', name: '' }, target: null }))).toBe(
      'usr_1 lock.created',
    );
    expect(datadogMessage(auditEvent({ description: '' }))).toBe('Zoë Åström lock.created vpc (prod)');
  });

  it('adds usr only for user actors, with name and email only when known', () => {
    expect(datadogEntry(auditEvent({ actor: { type: 'user', id: 'usr_1' } }), ctx).usr).toStrictEqual({ id: 'usr_1' });
    expect(
      datadogEntry(auditEvent({ actor: { type: 'system', id: 'sys', name: 'Scheduler' } }), ctx),
    ).not.toHaveProperty('usr');
  });

  it('names the host without port or path, and refuses a base URL that is not one', () => {
    expect(datadogEntry(lockEvent, { publicBaseUrl: 'https://Audit.Example.com:8443/base/' }).hostname).toBe(
      'audit.example.com',
    );
    expect(() => datadogEntry(lockEvent, { publicBaseUrl: 'audit.example.com' })).toThrow(/absolute URL/);
  });

  it('renders the webhook test event', () => {
    expect(datadogEntry(webhookTestEvent, ctx)).toMatchObject({
      status: 'info',
      message: webhookTestEvent.data.description,
      event_type: 'pro.atmos.webhook.test',
      evt: { name: 'pro.atmos.webhook.test', category: 'webhook' },
      ddtags: expect.stringContaining('action:webhook.test'),
      timestamp: Date.parse('2026-11-30T06:00:00Z'),
    });
  });

  it("keeps to Datadog's limits: 100 entries (Datadog takes 1,000), 5 MB a request, 1 MB an entry", () => {
    expect(datadogLogs).toMatchObject({ maxEvents: 100, maxBodyBytes: 5_000_000, maxEntryBytes: 1_000_000 });
    expect(() => datadogLogs.render(Array(101).fill(lockEvent), ctx)).toThrow(RangeError);
    for (const e of allEvents) expect(datadogLogs.entryBytes(e, ctx)).toBeLessThan(1_000_000);
  });
});
