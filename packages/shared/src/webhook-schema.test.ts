import { describe, expect, it } from 'vitest';
import { cloudEventType, SEQ_EXTENSION, toCloudEventAttributes } from './cloudevent-mapping.ts';
import { z } from 'zod';
import { parseConfig } from './config.ts';
import {
  checkCustomHeaders,
  checkWebhookUrl,
  effectiveBatchSize,
  matchesCategories,
  redactUrl,
  StartFromSchema,
  WebhookFields,
} from './webhook-schema.ts';

describe('custom headers', () => {
  it('allows ordinary headers, Authorization included (the product never sets it)', () => {
    expect(checkCustomHeaders({ Authorization: 'Splunk abc', 'X-Api-Key': 'k' })).toEqual([]);
  });

  it.each([
    'Content-Type',
    'content-length',
    'HOST',
    'webhook-id',
    'Webhook-Signature',
    'webhook-timestamp',
    'ce-id',
    'Transfer-Encoding',
    'Connection',
  ])('refuses %s, naming it', (name) => {
    expect(checkCustomHeaders({ [name]: 'x' })).toEqual([
      {
        path: ['headers', name],
        message: `header "${name.toLowerCase()}" is set by the delivery and cannot be overridden`,
      },
    ]);
  });

  it('refuses line breaks, duplicates and oversize sets', () => {
    expect(checkCustomHeaders({ 'X-A': 'a\nb' })[0]!.message).toMatch(/no line breaks/);
    expect(checkCustomHeaders({ 'X-A': 'a', 'x-a': 'b' })[0]!.message).toMatch(/given twice/);
    const big = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`X-${i}`, 'v'.repeat(2000)]));
    expect(checkCustomHeaders(big)[0]!.message).toMatch(/must total at most 8192 bytes/);
  });
});

describe('destination URLs', () => {
  it('requires https and a public host unless private addresses are allowed', () => {
    expect(checkWebhookUrl('https://siem.example.com/in', false)).toBeNull();
    expect(checkWebhookUrl('http://siem.example.com/in', false)).toMatch(/must use https/);
    expect(checkWebhookUrl('http://127.0.0.1:8080/in', true)).toBeNull();
    expect(checkWebhookUrl('https://10.0.0.5/', false)).toMatch(/private address/);
    expect(checkWebhookUrl('https://[::ffff:a9fe:a9fe]/', false)).toMatch(/cloud-metadata address/);
    expect(checkWebhookUrl('https://api.localhost/', false)).toMatch(/localhost/);
    expect(checkWebhookUrl('https://siem.example.com/#x', false)).toMatch(/fragment/);
    expect(redactUrl('https://siem.example.com/in?token=s3cret')).toBe('https://siem.example.com/in?…');
  });

  it('matches every category when none are listed', () => {
    expect(matchesCategories([], 'lock')).toBe(true);
    expect(matchesCategories(['auth'], 'lock')).toBe(false);
    // Checkpoints reach every destination, filtered or not.
    expect(matchesCategories(['auth'], 'audit')).toBe(true);
  });
});

describe('CloudEvent mapping', () => {
  const event = {
    id: 'aud_1',
    workspaceId: 'ws_1',
    organizationId: 'org_1',
    seq: 42,
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_1' },
    target: { type: 'stack', id: 'stk_prod_vpc' },
    description: 'Locked',
    metadata: { a: 1 },
    occurredAt: new Date('2026-11-30T05:00:00Z'),
    recordedAt: new Date('2026-11-30T05:00:01Z'),
  };

  it('maps an audit event to CloudEvents v1.0 attributes', () => {
    expect(toCloudEventAttributes(event, 'https://audit.example.com/')).toEqual({
      specversion: '1.0',
      id: 'aud_1',
      type: 'pro.atmos.lock.created',
      source: 'https://audit.example.com/workspaces/ws_1',
      subject: 'stk_prod_vpc',
      time: '2026-11-30T05:00:00.000Z',
      datacontenttype: 'application/json',
      auditseq: '42',
      data: {
        actor: { type: 'user', id: 'usr_1' },
        action: { category: 'lock', action: 'created' },
        target: { type: 'stack', id: 'stk_prod_vpc' },
        description: 'Locked',
        metadata: { a: 1 },
        workspaceId: 'ws_1',
        organizationId: 'org_1',
        recordedAt: '2026-11-30T05:00:01.000Z',
      },
    });
  });

  it('omits the subject without a target, and names the extension validly', () => {
    expect(toCloudEventAttributes({ ...event, target: null }, 'https://a.example')).not.toHaveProperty('subject');
    expect(SEQ_EXTENSION).toMatch(/^[a-z0-9]{1,20}$/);
    expect(cloudEventType('auth', 'oidc_token_exchange_success')).toBe('pro.atmos.auth.oidc_token_exchange_success');
  });
});

describe('stream settings', () => {
  it('sends one event per request in the single-event modes, whatever the batch size', () => {
    expect(effectiveBatchSize('cloudevents', 100)).toBe(100);
    expect(effectiveBatchSize('datadog', 7)).toBe(7);
    expect(effectiveBatchSize('cloudevents-structured', 100)).toBe(1);
    expect(effectiveBatchSize('cloudevents-binary', 50)).toBe(1);
  });

  it('refuses a batch size outside 1-100 and an unknown format, naming the limit', () => {
    const schema = z.object(WebhookFields);
    const issue = (input: unknown) =>
      schema.safeParse({ url: 'https://siem.example.com', ...(input as object) }).error?.issues[0];
    expect(issue({ batchSize: 0 })).toMatchObject({ path: ['batchSize'], message: 'must be at least 1' });
    expect(issue({ batchSize: 101 })).toMatchObject({ path: ['batchSize'], message: 'must be at most 100' });
    expect(issue({ batchSize: 2.5 })?.path).toEqual(['batchSize']);
    expect(issue({ format: 'xml' })?.message).toContain(
      'cloudevents, cloudevents-structured, cloudevents-binary, datadog, splunk-hec',
    );
    expect(issue({ compression: 'br' })).toMatchObject({ path: ['compression'], message: 'must be none or gzip' });
    expect(issue({ batchSize: 100, format: 'splunk-hec', compression: 'gzip' })).toBeUndefined();
  });

  it("takes 'now' or an instant as a stream's start, and refuses a content-encoding header", () => {
    expect(StartFromSchema.safeParse('now').success).toBe(true);
    expect(StartFromSchema.safeParse('2026-11-30T05:00:00Z').success).toBe(true);
    expect(StartFromSchema.safeParse('yesterday').error?.issues[0]?.message).toContain(
      "must be 'now' or an ISO 8601 instant",
    );
    expect(checkCustomHeaders({ 'Content-Encoding': 'gzip' })[0]?.message).toContain('cannot be overridden');
  });

  it('reads WEBHOOK_LINGER_MS with a default and a named bound', () => {
    const base = {
      MONGODB_URI: 'mongodb://localhost',
      TEMPORAL_ADDRESS: 'localhost:7233',
      ADMIN_TOKEN: 'x'.repeat(24),
    };
    expect(parseConfig(base).WEBHOOK_LINGER_MS).toBe(500);
    expect(parseConfig({ ...base, WEBHOOK_LINGER_MS: '0' }).WEBHOOK_LINGER_MS).toBe(0);
    expect(() => parseConfig({ ...base, WEBHOOK_LINGER_MS: '20000' })).toThrow(
      /WEBHOOK_LINGER_MS: must be at most 10000/,
    );
  });
});
