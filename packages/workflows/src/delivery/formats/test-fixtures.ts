import { toCloudEventAttributes, type AuditCloudEventAttributes, type MappableEvent } from '@audit/shared';
import { testEvent } from '../test-event.ts';
import type { RenderContext } from './format-spec.ts';

/** Shared by the format tests: events that exercise non-ASCII text and JSON escaping. */
export const ctx: RenderContext = { publicBaseUrl: 'https://audit.example.com' };

const WS = 'ws_01JABCDEFGHJKMNPQRSTVWXYZ1';
const ORG = 'org_01JABCDEFGHJKMNPQRSTVWXYZ2';

const lockCreated: MappableEvent = {
  id: 'aud_01JABCDEFGHJKMNPQRSTVWXYZ0',
  workspaceId: WS,
  organizationId: ORG,
  seq: 42,
  category: 'lock',
  action: 'created',
  actor: { type: 'user', id: 'usr_8f2c', name: 'Zoë Åström', email: 'zoe@example.com' },
  target: { type: 'stack', id: 'plat-ue2-prod/vpc', name: 'vpc (prod)' },
  description: null,
  metadata: { reason: 'Déploiement gelé 🚀', component: 'vpc', ttl_minutes: 30, tags: ['naïve', '日本語', null] },
  occurredAt: new Date('2026-11-30T05:00:00.123Z'),
  recordedAt: new Date('2026-11-30T05:00:00.456Z'),
};

/** An audit event as delivery sees it, frozen so a renderer that mutated its input would throw. */
export function auditEvent(overrides: Partial<MappableEvent> = {}): AuditCloudEventAttributes {
  return deepFreeze(toCloudEventAttributes({ ...lockCreated, ...overrides }, ctx.publicBaseUrl));
}

export const lockEvent = auditEvent();

export const failureEvent = auditEvent({
  id: 'aud_01JABCDEFGHJKMNPQRSTVWXYZ3',
  seq: 43,
  category: 'auth',
  action: 'oidc_token_exchange_failure',
  actor: { type: 'github_app', id: 'app_1' },
  target: null,
  metadata: { ünï: ['cödé', 1, null] },
});

/** Characters JSON escapes (quotes, backslash, controls) and ones it must not (U+2028, ZWJ emoji). */
export const trickyEvent = auditEvent({
  id: 'aud_01JABCDEFGHJKMNPQRSTVWXYZ4',
  seq: 44,
  action: 'deleted',
  description: 'Überprüfung ✓ "quoted" \\ back',
  target: { type: 'stack', id: 'café/☃', name: '' },
  metadata: {
    quote: 'say "hi"\\',
    separators: '\u2028\u2029',
    controls: '\u0000\u001f\t\n',
    family: '👩‍👩‍👧‍👦',
    accents: 'àéîõü ÀÉÎÕÜ',
  },
});

export const webhookTestEvent = deepFreeze(testEvent(WS, ORG, ctx.publicBaseUrl, new Date('2026-11-30T06:00:00Z')));

export const allEvents = [lockEvent, failureEvent, trickyEvent, webhookTestEvent];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
