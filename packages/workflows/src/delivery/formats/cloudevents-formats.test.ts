import { validateHeaderValue } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import {
  cloudEventsBatch,
  cloudEventsBinary,
  cloudEventsStructured,
  percentEncodeHeaderValue,
} from './cloudevents-formats.ts';
import { allEvents, auditEvent, ctx, failureEvent, lockEvent, trickyEvent } from './test-fixtures.ts';

const lowerCased = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

describe('cloudevents (batch mode)', () => {
  it('sends a JSON array of structured envelopes that the SDK reads back as the same events, in order', () => {
    const { headers, body } = cloudEventsBatch.render(allEvents, ctx);
    expect(headers).toEqual({ 'content-type': 'application/cloudevents-batch+json; charset=utf-8' });
    expect(body).toBe(JSON.stringify(allEvents.map((e) => new CloudEvent(e))));
    const parsed = HTTP.toEvent({ headers, body });
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed).toEqual(allEvents.map((e) => new CloudEvent(e)));
  });

  it('holds 1 to 100 events within 1 MiB', () => {
    expect(cloudEventsBatch).toMatchObject({ maxEvents: 100, maxBodyBytes: 1_048_576, maxEntryBytes: null });
    expect(() => cloudEventsBatch.render([], ctx)).toThrow(RangeError);
    expect(() => cloudEventsBatch.render(Array(101).fill(lockEvent), ctx)).toThrow(/at most 100 events/);
    expect(() => cloudEventsBatch.render(Array(100).fill(lockEvent), ctx)).not.toThrow();
  });
});

describe('cloudevents-structured', () => {
  it('is exactly HTTP.structured(new CloudEvent(attrs))', () => {
    for (const attrs of allEvents) {
      const sdk = HTTP.structured(new CloudEvent(attrs));
      const rendered = cloudEventsStructured.render([attrs], ctx);
      expect(rendered).toEqual({ headers: lowerCased(sdk.headers), body: sdk.body });
      expect(rendered.headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=utf-8' });
      expect(HTTP.toEvent(rendered)).toEqual(new CloudEvent(attrs));
    }
  });
});

describe('cloudevents-binary', () => {
  it("is exactly HTTP.binary(new CloudEvent(attrs)) for the product's ASCII attributes", () => {
    for (const attrs of [lockEvent, failureEvent]) {
      const sdk = HTTP.binary(new CloudEvent(attrs));
      const rendered = cloudEventsBinary.render([attrs], ctx);
      expect(rendered).toEqual({ headers: lowerCased(sdk.headers), body: sdk.body });
      expect(HTTP.toEvent(rendered)).toEqual(new CloudEvent(attrs));
    }
  });

  it('sends the attributes as lower-case ce-* headers and the data as application/json', () => {
    const { headers, body } = cloudEventsBinary.render([lockEvent], ctx);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'ce-id': lockEvent.id,
      'ce-time': '2026-11-30T05:00:00.123Z',
      'ce-type': 'pro.atmos.lock.created',
      'ce-source': 'https://audit.example.com/workspaces/ws_01JABCDEFGHJKMNPQRSTVWXYZ1',
      'ce-specversion': '1.0',
      'ce-subject': 'plat-ue2-prod/vpc',
      'ce-auditseq': '42',
    });
    expect(JSON.parse(body)).toEqual(lockEvent.data);
  });

  it('percent-encodes a header value beyond printable ASCII (HTTP binding 3.1.3.2), so Node can send it', () => {
    const { headers } = cloudEventsBinary.render([trickyEvent], ctx);
    expect(headers['ce-subject']).toBe('caf%C3%A9/%E2%98%83');
    expect(decodeURIComponent(headers['ce-subject']!)).toBe('café/☃');
    for (const [name, value] of Object.entries(headers)) expect(() => validateHeaderValue(name, value)).not.toThrow();
    expect(percentEncodeHeaderValue('50% "off" 👍\t')).toBe('50%25 %22off%22 %F0%9F%91%8D%09');
    expect(percentEncodeHeaderValue('https://audit.example.com/workspaces/ws_1 ~!')).toBe(
      'https://audit.example.com/workspaces/ws_1 ~!',
    );
  });
});

describe('the single-event modes', () => {
  for (const spec of [cloudEventsStructured, cloudEventsBinary]) {
    it('carry exactly one event within 1 MiB', () => {
      expect(spec).toMatchObject({ maxEvents: 1, maxBodyBytes: 1_048_576, maxEntryBytes: null });
      expect(() => spec.render([], ctx)).toThrow(RangeError);
      expect(() => spec.render([lockEvent, failureEvent], ctx)).toThrow(/at most 1 event per request/);
      expect(() => spec.bodyBytes([10, 20])).toThrow(RangeError);
      expect(spec.bodyBytes([]) + spec.bodyBytes([7])).toBe(7);
    });
  }

  it('render an event with no target without ce-subject / subject', () => {
    const noTarget = auditEvent({ target: null });
    expect(cloudEventsBinary.render([noTarget], ctx).headers).not.toHaveProperty('ce-subject');
    expect(JSON.parse(cloudEventsStructured.render([noTarget], ctx).body)).not.toHaveProperty('subject');
  });
});
