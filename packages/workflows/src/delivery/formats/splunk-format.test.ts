import { describe, expect, it } from 'vitest';
import { toEnvelope } from './envelope.ts';
import { splunkHec } from './splunk-format.ts';
import { allEvents, ctx, lockEvent } from './test-fixtures.ts';

describe('splunk-hec', () => {
  it('sends one HEC event object per line, the envelope under event', () => {
    const { headers, body } = splunkHec.render(allEvents, ctx);
    expect(headers).toEqual({ 'content-type': 'application/json' });
    const lines = body.split('\n');
    expect(lines).toHaveLength(allEvents.length);
    lines.forEach((line, i) => {
      const attrs = allEvents[i]!;
      const hec = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(hec)).toEqual(['time', 'host', 'source', 'sourcetype', 'event', 'fields']);
      expect(hec).toStrictEqual({
        time: Date.parse(attrs.time) / 1000,
        host: 'audit.example.com',
        source: 'atmos-audit-log',
        sourcetype: 'atmos:audit',
        event: toEnvelope(attrs),
        fields: {
          category: attrs.data.action.category,
          action: `${attrs.data.action.category}.${attrs.data.action.action}`,
          workspace_id: attrs.data.workspaceId,
          organization_id: attrs.data.organizationId,
        },
      });
    });
    expect(body.endsWith('\n')).toBe(false);
  });

  it('writes time as epoch seconds with the milliseconds as the fraction', () => {
    const { body } = splunkHec.render([lockEvent], ctx);
    expect(body.startsWith(`{"time":${Date.parse('2026-11-30T05:00:00.123Z') / 1000},`)).toBe(true);
    expect(body).toMatch(/^\{"time":\d{10}\.123,/);
  });

  it('carries 1 to 100 events within 1 MiB', () => {
    expect(splunkHec).toMatchObject({ maxEvents: 100, maxBodyBytes: 1_048_576, maxEntryBytes: null });
    expect(() => splunkHec.render([], ctx)).toThrow(RangeError);
    expect(() => splunkHec.render(Array(101).fill(lockEvent), ctx)).toThrow(RangeError);
  });
});
