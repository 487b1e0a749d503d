import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { toCloudEventAttributes } from '@audit/shared';
import { generateSigningSecret } from '@audit/shared/webhook-signing';
import { buildRequest } from './build-request.ts';

const attrs = toCloudEventAttributes(
  {
    id: 'aud_01JABCDEFGHJKMNPQRSTVWXYZ0',
    workspaceId: 'ws_1',
    organizationId: 'org_1',
    seq: 7,
    category: 'auth',
    action: 'oidc_token_exchange_failure',
    actor: { type: 'github_app', id: 'app_1' },
    target: null,
    description: null,
    metadata: { 'ünï': ['cödé', 1, null] },
    occurredAt: new Date('2026-11-30T05:00:00Z'),
    recordedAt: new Date('2026-11-30T05:00:00Z'),
  },
  'https://audit.example.com',
);

describe('the request a receiver gets', () => {
  for (const format of ['structured', 'binary'] as const) {
    it(`${format}: verifies with standardwebhooks and parses with the CloudEvents SDK`, () => {
      const secret = generateSigningSecret();
      const { headers, body } = buildRequest(attrs, format, [secret], { 'X-Token': 't' }, new Date());
      expect(new Webhook(secret).verify(body, headers)).toBeTruthy();
      const ce = HTTP.toEvent({ headers, body });
      expect(ce).toMatchObject({ id: attrs.id, type: 'pro.atmos.auth.oidc_token_exchange_failure', auditseq: '7', source: 'https://audit.example.com/workspaces/ws_1' });
      expect((ce as { data: unknown }).data).toEqual(attrs.data);
      expect(headers['x-token'] ?? headers['X-Token']).toBe('t');
      expect(headers['webhook-id']).toBe(attrs.id);
    });
  }
});
