import { CloudEvent, HTTP } from 'cloudevents';
import { toCloudEventAttributes, type AuditCloudEventAttributes, type MappableEvent } from '@audit/shared';
import { describe, expect, it } from 'vitest';
import { testEvent } from '../test-event.ts';
import { FORMATS, STREAM_FORMATS, toEnvelope, type RenderedBody } from './index.ts';

/*
 * Cross-format contract, checked the way a receiver would read each body (the SDK, JSON.parse),
 * against expectations written from the formats' documentation rather than from the renderers.
 */
const ctx = { publicBaseUrl: 'https://audit.example.com' };
const WS = 'ws_01JABCDEFGHJKMNPQRSTVWXYZ1';
const ORG = 'org_01JABCDEFGHJKMNPQRSTVWXYZ2';
const ACTIONS = [
  ['lock', 'created'],
  ['auth', 'oidc_token_exchange_failure'],
  ['workflow', 'failed'],
  ['billing', 'payment_failed'],
  ['release', 'deleted'],
] as const;
const ACTORS: Record<string, unknown>[] = [
  { type: 'user', id: 'usr_8f2c', name: 'Zoë Åström', email: 'zoe@example.com' },
  { type: 'user', id: 'usr_9a1b', name: '' }, // present but empty: the message falls back to the id
  { type: 'api_key', id: 'key_1', name: 'CI 鍵' },
  { type: 'system', id: 'scheduler' },
];

/** The i-th event: a mix of actors, targets, descriptions and non-ASCII metadata (accents, CJK, emoji, escapes). */
function event(i: number): AuditCloudEventAttributes {
  const [category, action] = ACTIONS[i % ACTIONS.length]!;
  const e: MappableEvent = {
    id: `aud_01JABCDEFGHJKMNPQRST${String(i).padStart(6, '0')}`,
    workspaceId: WS,
    organizationId: ORG,
    seq: 1000 + i,
    category,
    action,
    actor: ACTORS[i % ACTORS.length]!,
    target:
      i % 3 === 2
        ? null
        : { type: 'stack', id: `plat-ue2-prod/vpc-${i}`, ...(i % 2 ? { name: `vpc ${i} (prod) 🚀` } : {}) },
    description: i % 4 === 1 ? `Überprüfung ${i} ✓ "quoted" \\ back` : null,
    metadata: {
      reason: 'Déploiement gelé 🚀',
      cjk: '監査ログ 日本語',
      family: '👩‍👩‍👧‍👦',
      separators: '\u2028',
      controls: '\u0000\t\n',
      n: i,
      tags: ['naïve', null],
    },
    occurredAt: new Date(Date.UTC(2026, 10, 30, 5, 0, 0, i * 7)),
    recordedAt: new Date(Date.UTC(2026, 10, 30, 5, 0, 1, i)),
  };
  return toCloudEventAttributes(e, ctx.publicBaseUrl);
}
const events = (n: number) => Array.from({ length: n }, (_, i) => event(i));
const BATCHING = STREAM_FORMATS.filter((f) => FORMATS[f].maxEvents > 1);
const SINGLE = ['cloudevents-structured', 'cloudevents-binary'] as const;

/** The attributes a receiver relies on, as plain values (subject absent when there is no target). */
const attrsOf = (e: {
  id: string;
  type: string;
  source: string;
  subject?: string;
  time?: string;
  auditseq?: unknown;
  data?: unknown;
}) => ({
  id: e.id,
  type: e.type,
  source: e.source,
  subject: e.subject,
  time: e.time,
  auditseq: e.auditseq,
  data: e.data,
});
const parseEvents = (rendered: RenderedBody) => [HTTP.toEvent(rendered)].flat() as CloudEvent<unknown>[];

describe('byte accounting', () => {
  for (const format of STREAM_FORMATS) {
    const spec = FORMATS[format];
    for (const n of [1, 2, 100].filter((k) => k <= spec.maxEvents)) {
      it(`${format}: bodyBytes(entryBytes) is Buffer.byteLength of the body, ${n} event(s)`, () => {
        const batch = events(n);
        const { body } = spec.render(batch, ctx);
        expect(spec.bodyBytes(batch.map((e) => spec.entryBytes(e, ctx)))).toBe(Buffer.byteLength(body, 'utf8'));
        // The non-ASCII is really there: UTF-8 bytes outnumber UTF-16 code units.
        expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(body.length);
      });
    }
  }

  it('counts an event past every body limit (5.4 MB) exactly too, so the batcher can send it alone', () => {
    const huge = toCloudEventAttributes(
      { ...mappable(0), metadata: { blob: 'é日🚀'.repeat(600_000) } },
      ctx.publicBaseUrl,
    );
    for (const spec of Object.values(FORMATS)) {
      expect(spec.bodyBytes([spec.entryBytes(huge, ctx)])).toBe(
        Buffer.byteLength(spec.render([huge], ctx).body, 'utf8'),
      );
      expect(spec.entryBytes(huge, ctx)).toBeGreaterThan(spec.maxBodyBytes);
    }
  });

  it('renders the same bytes every time (a retried batch is re-rendered, and re-signed, byte for byte)', () => {
    for (const spec of Object.values(FORMATS))
      expect(spec.render(events(1), ctx)).toStrictEqual(spec.render(events(1), ctx));
  });
});

describe('cloudevents (batch mode)', () => {
  for (const n of [1, 2, 100]) {
    it(`HTTP.toEvent reads ${n} event(s) back as an array equal to the inputs, in order`, () => {
      const batch = events(n);
      const rendered = FORMATS.cloudevents.render(batch, ctx);
      expect(rendered.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
      const parsed = HTTP.toEvent(rendered);
      expect(Array.isArray(parsed)).toBe(true);
      expect(parseEvents(rendered).map(attrsOf)).toEqual(batch.map(attrsOf));
    });
  }
});

describe('single-event modes', () => {
  for (const format of SINGLE) {
    const spec = FORMATS[format];
    it(`${format}: round-trips through HTTP.toEvent`, () => {
      for (const e of events(8)) {
        const [parsed, ...rest] = parseEvents(spec.render([e], ctx));
        expect(rest).toEqual([]);
        // Binary mode percent-encodes ce-* values (HTTP binding 3.1.3.2); a receiver decodes them.
        const subject = parsed!.subject === undefined ? undefined : decodeURIComponent(parsed!.subject);
        expect({ ...attrsOf(parsed as never), subject }).toEqual(attrsOf(e));
      }
    });

    it(`${format}: refuses two events (render and bodyBytes alike)`, () => {
      expect(() => spec.render(events(2), ctx)).toThrow(RangeError);
      expect(() => spec.bodyBytes([10, 20])).toThrow(RangeError);
    });
  }

  it('cloudevents-binary percent-encodes a non-ASCII subject so Node can send it, and it decodes back', () => {
    const e = toCloudEventAttributes(
      { ...mappable(0), target: { type: 'stack', id: 'café/☃ 日本' } },
      ctx.publicBaseUrl,
    );
    const { headers } = FORMATS['cloudevents-binary'].render([e], ctx);
    expect(headers['ce-subject']).toMatch(/^[\x20-\x7e]+$/);
    expect(decodeURIComponent(headers['ce-subject']!)).toBe('café/☃ 日本');
  });
});

function mappable(i: number): MappableEvent {
  const e = event(i);
  return {
    ...e.data,
    ...e.data.action,
    id: e.id,
    seq: Number(e.auditseq),
    occurredAt: new Date(e.time),
    recordedAt: new Date(e.data.recordedAt),
  };
}

describe('datadog', () => {
  it('gives every entry the reserved attributes with their documented values, the envelope under audit', () => {
    const batch = events(100);
    const entries = JSON.parse(FORMATS.datadog.render(batch, ctx).body) as Record<string, any>[];
    expect(entries).toHaveLength(100);
    entries.forEach((entry, i) => {
      const e = batch[i]!;
      const { actor, action, target, description } = e.data as {
        actor: Record<string, string>;
        action: { category: string; action: string };
        target: { id: string; name?: string } | null;
        description: string | null;
      };
      const fallback = `${actor.name || actor.id} ${action.category}.${action.action}${target ? ` ${target.name || target.id}` : ''}`;
      expect(entry).toMatchObject({
        ddsource: 'atmos-audit-log',
        service: 'atmos',
        hostname: 'audit.example.com',
        status: action.action.includes('fail') ? 'warn' : 'info',
        message: description ?? fallback,
        event_id: e.id,
        event_type: e.type,
        timestamp: Date.parse(e.time),
        date: e.time,
        evt: { name: e.type, category: action.category },
      });
      // ddtags: Datadog's comma-separated key:value list.
      expect(entry.ddtags.split(',')).toEqual(
        expect.arrayContaining([
          `category:${action.category}`,
          `action:${action.category}.${action.action}`,
          `workspace_id:${WS}`,
          `organization_id:${ORG}`,
        ]),
      );
      if (actor.type === 'user')
        expect(entry.usr).toStrictEqual({
          id: actor.id,
          ...(actor.name ? { name: actor.name } : {}),
          ...(actor.email ? { email: actor.email } : {}),
        });
      else expect(entry).not.toHaveProperty('usr');
      expect(attrsOf(new CloudEvent(entry.audit))).toEqual(attrsOf(e));
    });
    // The fixture reaches every branch: both statuses, both message kinds, usr present and absent.
    expect(new Set(entries.map((x) => x.status))).toEqual(new Set(['info', 'warn']));
    expect(entries.some((x, i) => x.message !== batch[i]!.data.description)).toBe(true);
    expect(entries.some((x) => 'usr' in x) && entries.some((x) => !('usr' in x))).toBe(true);
  });
});

describe('splunk-hec', () => {
  it('writes one HEC event per line: time in epoch seconds with ms, the envelope under event', () => {
    const batch = events(100);
    const lines = FORMATS['splunk-hec'].render(batch, ctx).body.split('\n');
    expect(lines).toHaveLength(100);
    lines.forEach((line, i) => {
      const e = batch[i]!;
      const hec = JSON.parse(line) as Record<string, any>;
      expect(hec.time).toBe(Date.parse(e.time) / 1000);
      expect(hec).toMatchObject({ host: 'audit.example.com', source: 'atmos-audit-log', sourcetype: 'atmos:audit' });
      expect(hec.event).toStrictEqual(toEnvelope(e));
      expect(attrsOf(new CloudEvent(hec.event))).toEqual(attrsOf(e));
      expect(hec.fields).toMatchObject({ category: e.data.action.category, workspace_id: WS });
    });
  });
});

describe('the webhook test event (pro.atmos.webhook.test)', () => {
  const probe = testEvent(WS, ORG, ctx.publicBaseUrl, new Date('2026-11-30T06:00:00.250Z'));
  /** What a receiver of each format reads back as the one event's attributes. */
  const readBack: Record<(typeof STREAM_FORMATS)[number], (r: RenderedBody) => ReturnType<typeof attrsOf>[]> = {
    cloudevents: (r) => parseEvents(r).map(attrsOf),
    'cloudevents-structured': (r) => parseEvents(r).map(attrsOf),
    'cloudevents-binary': (r) => parseEvents(r).map(attrsOf),
    datadog: (r) =>
      (JSON.parse(r.body) as { audit: never; event_type: string }[]).map((x) => attrsOf(new CloudEvent(x.audit))),
    'splunk-hec': (r) => r.body.split('\n').map((l) => attrsOf(new CloudEvent(JSON.parse(l).event))),
  };
  for (const format of STREAM_FORMATS) {
    it(`renders in ${format}`, () => {
      const rendered = FORMATS[format].render([probe], ctx);
      expect(readBack[format](rendered)).toEqual([attrsOf(probe)]);
      expect(probe.type).toBe('pro.atmos.webhook.test');
      expect(FORMATS[format].bodyBytes([FORMATS[format].entryBytes(probe, ctx)])).toBe(
        Buffer.byteLength(rendered.body, 'utf8'),
      );
    });
  }
  it('is info in datadog, with its description as the message', () => {
    const [entry] = JSON.parse(FORMATS.datadog.render([probe], ctx).body);
    expect(entry).toMatchObject({
      status: 'info',
      event_type: 'pro.atmos.webhook.test',
      message: probe.data.description,
      timestamp: Date.parse(probe.time),
    });
  });
});

it('every batching format carries up to its cap and refuses one more', () => {
  for (const format of BATCHING) {
    const spec = FORMATS[format];
    expect(spec.maxEvents).toBe(100);
    expect(() => spec.render(events(101), ctx)).toThrow(RangeError);
    expect(() => spec.render([], ctx)).toThrow(RangeError);
  }
});
