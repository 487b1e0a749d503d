import { gunzipSync } from 'node:zlib';
import { CloudEvent, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  eventually,
  lockCreated,
  seqsOf,
  verifyBatch,
  verifySignature,
  type ReceivedRequest,
  type Tenant,
  useWorkerSuite,
} from '@audit/testing';

/*
 * Every payload format end to end: events recorded through the API, batched by the worker, sent
 * over real HTTP to receivers in this process, and read the way each SIEM documents its intake.
 */
const suite = useWorkerSuite({ WEBHOOK_RETRY_SCHEDULE: '0,200,400', WEBHOOK_LINGER_MS: '300' });
const receiver = suite.receiver;

const MIB = 1_048_576;
const HOST = 'audit.test'; // the test env's PUBLIC_BASE_URL is http://audit.test
const DD_KEY = '0123456789abcdef0123456789abcdef';
const HEC_TOKEN = 'Splunk 7c1e9b2a-3f4d-4e5a-8b6c-9d0e1f2a3b4c';

/** What a receiver does first: check the signature with the public library, then read the (gunzipped) text. */
function verifiedText(r: ReceivedRequest, secret: string): string {
  verifySignature(r, secret);
  return bodyOf(r);
}
const datadogEntries = (r: ReceivedRequest, secret: string) =>
  JSON.parse(verifiedText(r, secret)) as Record<string, any>[];
const hecEvents = (r: ReceivedRequest, secret: string) =>
  verifiedText(r, secret)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);

async function recordLocks(t: Tenant, count: number, extra: Record<string, unknown> = {}) {
  const { events } = await t.caller.events.recordBatch({
    events: Array.from({ length: count }, (_, i) => lockCreated(i, extra)),
  });
  return events;
}

describe('SIEM formats', () => {
  it('datadog: 250 events in one recordBatch arrive as 3 signed requests of Datadog log entries, in seq order, with the API key', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver(() => ({ status: 202, headers: { 'content-type': 'application/json' }, body: '{}' })); // Datadog's own answer
    const { webhook, secret } = await t.caller.webhooks.create({
      url: rx.url,
      format: 'datadog',
      categories: ['lock'],
      headers: { 'DD-API-KEY': DD_KEY },
    });
    expect(webhook.format).toBe('datadog');
    const events = await recordLocks(t, 250);
    await eventually(
      async () => rx.requests.reduce((n, r) => n + datadogEntries(r, secret).length, 0) >= 250,
      30_000,
      '250 entries received',
    );
    expect(rx.requests.map((r) => datadogEntries(r, secret).length)).toEqual([100, 100, 50]);
    for (const r of rx.requests) {
      expect(r.headers['dd-api-key']).toBe(DD_KEY);
      expect(r.headers['content-type']).toBe('application/json');
    }
    const entries = rx.requests.flatMap((r) => datadogEntries(r, secret));
    expect(entries.map((e) => e.event_id)).toEqual(events.map((e) => e.id));
    expect(entries.map((e) => Number(e.audit.auditseq))).toEqual(events.map((e) => e.seq));
    entries.forEach((entry, i) => {
      expect(entry).toMatchObject({
        ddsource: 'atmos-audit-log',
        service: 'atmos',
        hostname: HOST,
        status: 'info',
        message: `Locked stack ${i}`,
        event_type: 'pro.atmos.lock.created',
        timestamp: Date.parse(entry.audit.time),
        date: entry.audit.time,
        evt: { name: 'pro.atmos.lock.created', category: 'lock' },
        usr: { id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
      });
      expect(entry.ddtags.split(',')).toEqual(
        expect.arrayContaining(['category:lock', 'action:lock.created', `workspace_id:${t.workspaceId}`]),
      );
      // The envelope under `audit` is a CloudEvent a receiver can hand to the SDK.
      expect(new CloudEvent(entry.audit)).toMatchObject({
        id: events[i]!.id,
        source: `http://${HOST}/workspaces/${t.workspaceId}`,
        subject: `stk_${i}`,
      });
    });
  });

  it('splunk-hec: 250 events as 3 requests of newline-separated HEC events carrying the Splunk token', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"text":"Success","code":0}',
    }));
    const { secret } = await t.caller.webhooks.create({
      url: rx.url,
      format: 'splunk-hec',
      categories: ['lock'],
      headers: { Authorization: HEC_TOKEN },
    });
    const events = await recordLocks(t, 250);
    await eventually(
      async () => rx.requests.reduce((n, r) => n + hecEvents(r, secret).length, 0) >= 250,
      30_000,
      '250 HEC events received',
    );
    expect(rx.requests.map((r) => hecEvents(r, secret).length)).toEqual([100, 100, 50]);
    for (const r of rx.requests) {
      expect(r.headers.authorization).toBe(HEC_TOKEN);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body.endsWith('\n')).toBe(false);
    }
    const hec = rx.requests.flatMap((r) => hecEvents(r, secret));
    expect(hec.map((h) => h.event.id)).toEqual(events.map((e) => e.id));
    expect(hec.map((h) => Number(h.event.auditseq))).toEqual(events.map((e) => e.seq));
    for (const h of hec) {
      expect(h).toMatchObject({
        host: HOST,
        source: 'atmos-audit-log',
        sourcetype: 'atmos:audit',
        fields: { category: 'lock', action: 'lock.created', workspace_id: t.workspaceId },
      });
      expect(h.time).toBe(Date.parse(h.event.time) / 1000);
      expect(new CloudEvent(h.event).type).toBe('pro.atmos.lock.created');
    }
  });

  it("splunk-hec: HEC's error answer is kept in the attempt and the batch fails (a 400 is not retried)", async () => {
    const t = await suite.env.tenant('enterprise');
    const refusal = '{"text":"Incorrect index","code":7}';
    const rx = await receiver(() => ({ status: 400, headers: { 'content-type': 'application/json' }, body: refusal }));
    const { webhook } = await t.caller.webhooks.create({
      url: rx.url,
      format: 'splunk-hec',
      categories: ['lock'],
      headers: { Authorization: HEC_TOKEN },
    });
    await recordLocks(t, 1);
    const delivery = await eventually(
      async () => {
        const d = (await t.caller.webhooks.deliveries({ webhookId: webhook.id })).items[0];
        return d?.status === 'failed' ? d : null;
      },
      15_000,
      'the batch failed',
    );
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status: 'failed', responseStatus: 400, responseBody: refusal });
    expect(rx.requests).toHaveLength(1);
  });
});

describe('transport', () => {
  it('gzip: compressed on the wire, signed over the body a receiver gets once content-encoding is undone', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, compression: 'gzip', categories: ['lock'] });
    const events = await recordLocks(t, 30);
    await eventually(async () => seqsOf(rx.requests, secret).length >= 30, 15_000, '30 events received');
    for (const r of rx.requests) {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect([...r.raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]); // the gzip magic: the bytes on the wire are compressed
      const text = gunzipSync(r.raw).toString('utf8');
      expect(r.raw.length).toBeLessThan(Buffer.byteLength(text));
      // The signature covers the inflated body (send-batch.ts): the JS library reads a Buffer as
      // UTF-8 text, so a signature over compressed bytes could never be checked with it.
      new Webhook(secret).verify(text, r.headers, { jsonParse: false });
      expect(() => new Webhook(secret).verify(r.raw, r.headers, { jsonParse: false })).toThrow(/No matching signature/);
      expect(Array.isArray(HTTP.toEvent({ headers: { 'content-type': r.headers['content-type'] }, body: text }))).toBe(
        true,
      );
    }
    expect(rx.requests.flatMap((r) => verifyBatch(r, secret).map((e) => e.id))).toEqual(events.map((e) => e.id));
  });

  it('byte limit: events of ~15 KiB metadata are cut into requests of at most 1 MiB, each as full as the limit allows', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver();
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    // 15,300 UTF-8 bytes of metadata (the limit is 16 KiB): multi-byte text, so bytes, not characters, must be counted.
    const metadata = { blob: 'é日🚀 '.repeat(1_530) };
    const events = await recordLocks(t, 200, { metadata });
    await eventually(async () => seqsOf(rx.requests, secret).length >= 200, 30_000, '200 large events received');
    const seqs = seqsOf(rx.requests, secret);
    expect(seqs).toEqual(events.map((e) => e.seq));
    rx.requests.forEach((r, i) => {
      const entries = JSON.parse(r.body) as unknown[];
      expect(r.raw.length).toBeLessThanOrEqual(MIB);
      expect(entries.length).toBeLessThan(100);
      // Closed only because the next event would not fit: this body, a comma, and the next request's first entry pass 1 MiB.
      const next = rx.requests[i + 1];
      if (next)
        expect(
          r.raw.length + 1 + Buffer.byteLength(JSON.stringify((JSON.parse(next.body) as unknown[])[0])),
        ).toBeGreaterThan(MIB);
    });
    expect(rx.requests.length).toBeGreaterThanOrEqual(3);
    console.log(
      `[measure] 200 events of 15 KiB: ${rx.requests.map((r) => `${verifyBatch(r, secret).length}/${r.raw.length}B`).join(', ')}`,
    );
  });

  for (const format of ['cloudevents-binary', 'cloudevents-structured'] as const) {
    it(`${format}: one event per request even with batchSize 100`, async () => {
      const t = await suite.env.tenant('enterprise');
      const rx = await receiver();
      const { webhook, secret } = await t.caller.webhooks.create({
        url: rx.url,
        format,
        batchSize: 100,
        categories: ['lock'],
      });
      const events = await recordLocks(t, 5);
      await rx.waitFor(5, undefined, 20_000);
      expect(rx.requests.map((r) => verifyBatch(r, secret).map((e) => e.id))).toEqual(events.map((e) => [e.id]));
      const type = format === 'cloudevents-binary' ? 'application/json' : 'application/cloudevents+json; charset=utf-8';
      for (const r of rx.requests) expect(r.headers['content-type']).toBe(type);
      const { items } = await t.caller.webhooks.deliveries({ webhookId: webhook.id });
      expect(items.map((d) => d.count)).toEqual([1, 1, 1, 1, 1]);
    });
  }
});

describe('webhooks.test', () => {
  it('sends a one-event batch in the datadog and the splunk-hec format, type pro.atmos.webhook.test', async () => {
    const t = await suite.env.tenant('enterprise');
    const rx = await receiver();
    const dd = await t.caller.webhooks.create({
      url: rx.url,
      format: 'datadog',
      categories: ['lock'],
      headers: { 'DD-API-KEY': DD_KEY },
    });
    const hec = await t.caller.webhooks.create({
      url: rx.url,
      format: 'splunk-hec',
      categories: ['lock'],
      headers: { Authorization: HEC_TOKEN },
    });

    expect(await t.caller.webhooks.test({ id: dd.webhook.id })).toMatchObject({ ok: true, responseStatus: 204 });
    const ddReq = rx.requests.at(-1)!;
    expect(ddReq.headers['dd-api-key']).toBe(DD_KEY);
    const entries = datadogEntries(ddReq, dd.secret);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      event_type: 'pro.atmos.webhook.test',
      ddsource: 'atmos-audit-log',
      status: 'info',
      evt: { name: 'pro.atmos.webhook.test', category: 'webhook' },
    });
    expect(new CloudEvent(entries[0]!.audit).type).toBe('pro.atmos.webhook.test');

    expect(await t.caller.webhooks.test({ id: hec.webhook.id })).toMatchObject({ ok: true, responseStatus: 204 });
    const hecReq = rx.requests.at(-1)!;
    expect(hecReq.headers.authorization).toBe(HEC_TOKEN);
    const lines = hecEvents(hecReq, hec.secret);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.event.type).toBe('pro.atmos.webhook.test');
    expect(lines[0]!.time).toBe(Date.parse(lines[0]!.event.time) / 1000);
    expect(rx.requests).toHaveLength(2);
  });
});
