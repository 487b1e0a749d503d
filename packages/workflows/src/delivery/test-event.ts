import { newId, TEST_EVENT_TYPE, toCloudEventAttributes, type AuditCloudEventAttributes } from '@audit/shared';

/** What `webhooks.test` sends: a well-formed event of its own type, never stored in the log. */
export function testEvent(
  workspaceId: string,
  organizationId: string,
  publicBaseUrl: string,
  now: Date,
): AuditCloudEventAttributes {
  return toCloudEventAttributes(
    {
      id: newId('event', now.getTime()),
      workspaceId,
      organizationId,
      seq: 0,
      category: 'webhook',
      action: 'test',
      actor: { type: 'system', id: 'audit-log', name: 'Audit log service' },
      target: null,
      description: 'Test delivery: receivers can verify their set-up with it and otherwise ignore it',
      metadata: { test: true },
      occurredAt: now,
      recordedAt: now,
    },
    publicBaseUrl,
    TEST_EVENT_TYPE,
  );
}
