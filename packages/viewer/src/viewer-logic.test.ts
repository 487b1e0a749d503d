import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_FORMATS, WEBHOOK_LIMITS } from '@audit/shared';
import { VIEWER_DIR } from './index.ts';

// The page's modules are plain JS for the browser; their pure parts run here unchanged.
const load = async <T>(file: string) => (await import(pathToFileURL(join(VIEWER_DIR, 'js', file)).href)) as T;

type Range = { range: string; from: string; to: string };
const dates = await load<{
  rangeBounds(s: Range, now: number): { from?: string; to?: string };
  rangeIncludesNow(s: Range, now: number): boolean;
  toLocalInput(iso: string, utc: boolean): string;
  fromLocalInput(value: string, utc: boolean): string;
  describeRange(s: Range, show: (iso: string) => string): string;
}>('date-range.js');
const live = await load<{
  newArrivals<T extends { id: string }>(shown: Set<string>, fresh: T[], limit: number): { added: T[]; gap: boolean };
}>('live-tail.js');
const api = await load<{ parseIssues(message: string): { path: string; message: string }[] }>('api.js');
const hooks = await load<{
  FORMATS: [string, string, string][];
  redactUrl(raw: string): string;
  statusOf(hook: unknown, now: number): { label: string; tone: string; detail: string };
  lastDeliveryText(hook: unknown, now: number): { text: string; tone: string };
  lagText(hook: unknown): string;
}>('webhooks/describe.js');

const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('the date range', () => {
  it('turns a preset into a from bound at the time of asking, and custom into both', () => {
    expect(dates.rangeBounds({ range: '1h', from: '', to: '' }, NOW)).toEqual({ from: '2026-12-02T09:00:00.000Z' });
    expect(dates.rangeBounds({ range: '30d', from: '', to: '' }, NOW)).toEqual({ from: '2026-11-02T10:00:00.000Z' });
    expect(dates.rangeBounds({ range: '', from: 'x', to: 'y' }, NOW)).toEqual({});
    expect(dates.rangeBounds({ range: 'custom', from: '2026-11-01T00:00:00.000Z', to: '' }, NOW)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
    });
  });

  it('allows live tail only when the range reaches the present', () => {
    expect(dates.rangeIncludesNow({ range: 'custom', from: '', to: '2026-12-01T00:00:00.000Z' }, NOW)).toBe(false);
    expect(dates.rangeIncludesNow({ range: 'custom', from: '2026-12-01T00:00:00.000Z', to: '' }, NOW)).toBe(true);
    expect(dates.rangeIncludesNow({ range: '1h', from: '', to: '' }, NOW)).toBe(true);
  });

  it('reads and shows datetime-local values in UTC when asked, and refuses what is not a time', () => {
    expect(dates.fromLocalInput('2026-11-30T05:07', true)).toBe('2026-11-30T05:07:00.000Z');
    expect(dates.toLocalInput('2026-11-30T05:07:00.000Z', true)).toBe('2026-11-30T05:07');
    const local = dates.fromLocalInput('2026-11-30T05:07', false);
    expect(dates.toLocalInput(local, false)).toBe('2026-11-30T05:07');
    expect(dates.fromLocalInput('', true)).toBe('');
    expect(dates.fromLocalInput('yesterday', true)).toBe('');
    expect(dates.describeRange({ range: '24h', from: '', to: '' }, String)).toBe('last 24 hours');
    expect(dates.describeRange({ range: 'custom', from: 'A', to: '' }, String)).toBe('since A');
  });
});

describe('live tail', () => {
  const ev = (id: string) => ({ id });
  it('adds what ranks above the rows shown, including a late commit below the top', () => {
    const shown = new Set(['e5', 'e4', 'e3']);
    // e6 is new at the top; e45 committed late and ranks between e5 and e4.
    expect(live.newArrivals(shown, [ev('e6'), ev('e5'), ev('e45'), ev('e4'), ev('e3')], 50)).toEqual({
      added: [ev('e6'), ev('e45')],
      gap: false,
    });
    expect(live.newArrivals(shown, [ev('e5'), ev('e4'), ev('e3')], 50)).toEqual({ added: [], gap: false });
  });

  it('says when more arrived than one poll holds', () => {
    const shown = new Set(['e1']);
    expect(live.newArrivals(shown, [ev('e9'), ev('e8')], 2)).toEqual({ added: [ev('e9'), ev('e8')], gap: true });
    expect(live.newArrivals(shown, [ev('e9')], 2)).toEqual({ added: [ev('e9')], gap: false });
    expect(live.newArrivals(new Set(), [ev('e1')], 1)).toEqual({ added: [ev('e1')], gap: false });
  });
});

describe('server errors on form fields', () => {
  it('splits a service error into the fields it names', () => {
    expect(
      api.parseIssues('url: must use https (http is allowed only with WEBHOOK_ALLOW_PRIVATE, for local development)'),
    ).toEqual([
      {
        path: 'url',
        message: 'must use https (http is allowed only with WEBHOOK_ALLOW_PRIVATE, for local development)',
      },
    ]);
    expect(
      api.parseIssues(
        'headers.Content-Type: header "content-type" is set by the delivery and cannot be overridden; batchSize: must be at most 100',
      ),
    ).toEqual([
      {
        path: 'headers.Content-Type',
        message: 'header "content-type" is set by the delivery and cannot be overridden',
      },
      { path: 'batchSize', message: 'must be at most 100' },
    ]);
    expect(api.parseIssues('webhook streaming requires the Enterprise plan')).toEqual([
      { path: '', message: 'webhook streaming requires the Enterprise plan' },
    ]);
  });
});

describe('a destination at a glance', () => {
  const base = {
    id: 'whk_1',
    url: 'https://siem.example.com/in?token=s3cret',
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    failingSince: null,
    stream: {
      state: 'running',
      backlog: 0,
      lagSeconds: 0,
      nextAttemptAt: null,
      deliveredThrough: null,
      lastDelivery: null,
    },
  };

  it('offers every format the server accepts', () => {
    expect(hooks.FORMATS.map(([id]) => id).sort()).toEqual([...WEBHOOK_FORMATS].sort());
    expect(WEBHOOK_LIMITS.batchSize).toBe(100);
  });

  it('never shows a query string', () => {
    expect(hooks.redactUrl(base.url)).toBe('https://siem.example.com/in?…');
    expect(hooks.redactUrl('https://siem.example.com/in')).toBe('https://siem.example.com/in');
  });

  it('says why and when a destination was disabled', () => {
    const at = '2026-11-29T10:00:00.000Z';
    expect(hooks.statusOf({ ...base, enabled: false, disabledReason: 'manual', disabledAt: at }, NOW)).toMatchObject({
      label: 'Disabled',
      detail: 'Disabled 3 days ago',
    });
    expect(hooks.statusOf({ ...base, enabled: false, disabledReason: 'failing', disabledAt: at }, NOW)).toMatchObject({
      label: 'Automatically disabled',
      tone: 'bad',
      detail: 'Every delivery failed for 5 days; disabled 3 days ago',
    });
    expect(hooks.statusOf({ ...base, enabled: false, disabledReason: 'gone', disabledAt: at }, NOW).detail).toMatch(
      /410 Gone/,
    );
    expect(
      hooks.statusOf(
        { ...base, stream: { ...base.stream, state: 'retrying', nextAttemptAt: '2026-12-02T10:05:00.000Z' } },
        NOW,
      ),
    ).toMatchObject({ label: 'Retrying', detail: 'Next attempt in 5 minutes' });
    expect(hooks.statusOf(base, NOW)).toMatchObject({ label: 'Enabled', tone: 'ok' });
  });

  it('reads the last delivery and the lag', () => {
    expect(
      hooks.lastDeliveryText(
        {
          ...base,
          stream: {
            ...base.stream,
            lastDelivery: { at: '2026-11-29T10:00:00.000Z', status: 'failed', responseStatus: 500 },
          },
        },
        NOW,
      ),
    ).toMatchObject({
      text: '3 days ago · failed · HTTP 500',
      when: '3 days ago',
      outcome: 'failed · HTTP 500',
      tone: 'bad',
    });
    expect(hooks.lastDeliveryText(base, NOW)).toMatchObject({ text: 'No delivery yet' });
    expect(hooks.lagText(base)).toBe('Caught up');
    expect(hooks.lagText({ ...base, stream: { ...base.stream, backlog: 1204, lagSeconds: 12.5 } })).toBe(
      '1,204 events behind · 12.5 s',
    );
  });
});
