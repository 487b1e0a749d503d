import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { toEnvelope } from './envelope.ts';
import { allEvents, failureEvent, lockEvent } from './test-fixtures.ts';

describe('toEnvelope', () => {
  it('is exactly the JSON the SDK writes for new CloudEvent(attrs), byte for byte', () => {
    for (const attrs of allEvents) {
      const sdk = new CloudEvent(attrs);
      expect(JSON.stringify(toEnvelope(attrs))).toBe(HTTP.structured(sdk).body);
      expect(toEnvelope(attrs)).toStrictEqual(JSON.parse(sdk.toString()));
    }
  });

  it('carries the attributes, the data and the auditseq extension, and no unset attribute', () => {
    expect(toEnvelope(lockEvent)).toStrictEqual({
      id: lockEvent.id,
      time: '2026-11-30T05:00:00.123Z',
      type: 'pro.atmos.lock.created',
      source: 'https://audit.example.com/workspaces/ws_01JABCDEFGHJKMNPQRSTVWXYZ1',
      specversion: '1.0',
      datacontenttype: 'application/json',
      subject: 'plat-ue2-prod/vpc',
      data: lockEvent.data,
      auditseq: '42',
    });
    expect(Object.keys(toEnvelope(failureEvent))).not.toContain('subject');
  });

  it('refuses attributes the SDK refuses, so every format fails the same way', () => {
    expect(() => toEnvelope({ ...lockEvent, type: '' })).toThrow(/invalid payload/);
    expect(() => toEnvelope({ ...lockEvent, time: 'yesterday' })).toThrow(/invalid payload/);
  });
});
