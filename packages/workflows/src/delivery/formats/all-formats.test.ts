import { afterEach, describe, expect, it, vi } from 'vitest';
import { FORMATS, formatSpec, STREAM_FORMATS } from './index.ts';
import { allEvents, auditEvent, ctx, trickyEvent, webhookTestEvent } from './test-fixtures.ts';

/** Batches to measure: each event alone, and for the batching formats mixtures up to the cap. */
function batchesFor(maxEvents: number) {
  const singles = allEvents.map((e) => [e]);
  if (maxEvents === 1) return singles;
  const many = Array.from({ length: maxEvents }, (_, i) => allEvents[i % allEvents.length]!);
  return [...singles, allEvents, [trickyEvent, trickyEvent], many];
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('every format', () => {
  it('is listed, and formatSpec finds it', () => {
    expect(Object.keys(FORMATS).sort()).toEqual([...STREAM_FORMATS].sort());
    for (const f of STREAM_FORMATS) expect(formatSpec(f)).toBe(FORMATS[f]);
  });

  for (const format of STREAM_FORMATS) {
    const spec = FORMATS[format];

    it(`${format}: counts the body's UTF-8 bytes exactly, non-ASCII and escapes included`, () => {
      for (const events of batchesFor(spec.maxEvents)) {
        const { body } = spec.render(events, ctx);
        const sizes = events.map((e) => spec.entryBytes(e, ctx));
        expect(spec.bodyBytes(sizes)).toBe(Buffer.byteLength(body, 'utf8'));
      }
      // Non-ASCII really is in there: bytes outnumber UTF-16 code units.
      const { body } = spec.render([trickyEvent], ctx);
      expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(body.length);
    });

    it(`${format}: sets content-type, lower-case header names, and never a webhook-* header`, () => {
      const { headers } = spec.render([allEvents[0]!], ctx);
      expect(headers['content-type']).toMatch(/^application\//);
      for (const name of Object.keys(headers)) {
        expect(name).toBe(name.toLowerCase());
        expect(name.startsWith('webhook-')).toBe(false);
      }
    });

    it(`${format}: is pure (same bytes at any clock, no randomness, frozen inputs untouched)`, () => {
      const random = vi.spyOn(Math, 'random');
      vi.useFakeTimers();
      vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
      const first = spec.render([allEvents[1]!], ctx);
      const firstSize = spec.entryBytes(allEvents[1]!, ctx);
      vi.setSystemTime(new Date('2031-06-15T12:34:56Z'));
      expect(spec.render([allEvents[1]!], ctx)).toStrictEqual(first);
      expect(spec.entryBytes(allEvents[1]!, ctx)).toBe(firstSize);
      expect(random).not.toHaveBeenCalled();
    });

    it(`${format}: renders the webhook test event (pro.atmos.webhook.test)`, () => {
      const { headers, body } = spec.render([webhookTestEvent], ctx);
      // Binary mode carries the type in ce-type; every other format in the body.
      expect(headers['ce-type'] ?? body).toContain('pro.atmos.webhook.test');
      expect(spec.bodyBytes([spec.entryBytes(webhookTestEvent, ctx)])).toBe(Buffer.byteLength(body, 'utf8'));
    });

    it(`${format}: keeps ordinary events within its limits`, () => {
      for (const e of allEvents) {
        const size = spec.entryBytes(e, ctx);
        expect(spec.bodyBytes([size])).toBeLessThanOrEqual(spec.maxBodyBytes);
        if (spec.maxEntryBytes !== null) expect(size).toBeLessThanOrEqual(spec.maxEntryBytes);
      }
    });
  }

  it('counts an oversized event exactly too, so the batcher can send it alone or set it aside', () => {
    const huge = auditEvent({ metadata: { blob: 'é'.repeat(600_000) } });
    for (const format of STREAM_FORMATS) {
      const spec = FORMATS[format];
      expect(spec.bodyBytes([spec.entryBytes(huge, ctx)])).toBe(
        Buffer.byteLength(spec.render([huge], ctx).body, 'utf8'),
      );
      expect(spec.entryBytes(huge, ctx)).toBeGreaterThan(1_200_000);
    }
  });
});
