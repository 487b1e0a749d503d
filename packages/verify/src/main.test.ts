import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { ndjson } from './ndjson.ts';
import { ndjsonText, testLog, WS } from './test-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const log = testLog(25, 10);
const chkLines = ndjsonText(log.checkpoints.map((c) => ({ type: 'checkpoint', ...c })));
const files = {
  events: file('events.ndjson', ndjsonText([...log.events].reverse())),
  checkpoints: file('checkpoints.ndjson', chkLines),
  keys: file('keys.json', JSON.stringify(log.keysDoc)),
};
const held = log.checkpoints.map(({ leaves: _, ...c }) => c);

async function run(argv: string[], fetchImpl?: typeof fetch) {
  const out: string[] = [];
  const err: string[] = [];
  const slept: number[] = [];
  const sleep = async (ms: number) => void slept.push(ms);
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), sleep };
  const status = await main(argv, { ...io, ...(fetchImpl && { fetch: fetchImpl }) });
  return { status, out: out.join('\n'), err: err.join('\n'), slept };
}
const offline = (extra: string[] = [], f = files) =>
  run(['--events', f.events, '--checkpoints', f.checkpoints, '--keys', f.keys, ...extra]);

describe('verify offline', () => {
  it('passes an honest export, with held copies as bare checkpoints or CloudEvents', async () => {
    const heldFile = file(
      'held.ndjson',
      ndjsonText([
        held[0],
        { specversion: '1.0', type: 'pro.atmos.audit.checkpoint', data: { metadata: held[1] } },
        { specversion: '1.0', type: 'pro.atmos.audit.lock.created', data: {} },
      ]),
    );
    const r = await offline(['--held', heldFile]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(`workspace ${WS}`);
    expect(r.out).toContain('events 25: sealed 20, unsealed 5; purged 0');
    expect(r.out).toContain('OK:');
  });

  it('fails naming the modified event, and prints the report as JSON with --json', async () => {
    const tampered = log.events.map((e) => (e.seq === 13 ? { ...e, metadata: { i: 999 } } : e));
    const r = await offline([], { ...files, events: file('tampered.ndjson', ndjsonText(tampered)) });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAILED: 1 finding\n {2}modified {2}\[checkpoint #2, seq 13, event aud_0+13\]/);
    const j = await offline(['--json'], { ...files, events: join(dir, 'tampered.ndjson') });
    expect(JSON.parse(j.out)).toMatchObject({
      ok: false,
      findings: [{ kind: 'modified', seq: 13, checkpoint: 2, eventId: log.events[12]!.id }],
    });
  });

  it('reports a checkpoint the customer holds that the service rewrote', async () => {
    const heldFile = file('held2.ndjson', ndjsonText([{ ...held[1], root: 'ab'.repeat(32) }]));
    const r = await offline(['--held', heldFile]);
    expect(r.status).toBe(1);
    expect(r.out).toContain('rewritten  [checkpoint #2] checkpoint #2 differs from the copy you hold (root)');
  });

  it('exits 2 naming the flag for unreadable or malformed input', async () => {
    let r = await offline([], { ...files, keys: join(dir, 'nope.json') });
    expect([r.status, r.err]).toEqual([2, expect.stringContaining('--keys: cannot read')]);
    r = await offline([], { ...files, checkpoints: file('bad.ndjson', '{"type":"checkpoint"}\n') });
    expect([r.status, r.err]).toEqual([
      2,
      expect.stringMatching(/--checkpoints .*bad.ndjson line 1: not a checkpoint/),
    ]);
    r = await offline([], { ...files, events: file('notjson.ndjson', '{\n') });
    expect([r.status, r.err]).toEqual([2, expect.stringMatching(/--events .* line 1 is not JSON/)]);
    r = await run(['--events', 'x']);
    expect([r.status, r.err]).toEqual([2, expect.stringContaining('verify: missing --checkpoints, --keys')]);
  });
});

describe('verify online', () => {
  const served = (status = 200) => {
    const seen: string[] = [];
    const impl = (async (url: string | URL, init?: RequestInit) => {
      seen.push(`${String(url)} ${(init?.headers as Record<string, string> | undefined)?.authorization ?? '-'}`);
      const u = new URL(String(url));
      if (u.pathname === '/.well-known/audit-log-keys.json') return new Response(JSON.stringify(log.keysDoc));
      if (status !== 200)
        return new Response('{"error":"workspaceId is required for an organization key"}', { status });
      if (u.pathname === '/export/checkpoints') return new Response(chkLines);
      if (u.pathname === '/export') return new Response(ndjsonText([...log.events].reverse()));
      return new Response('not found', { status: 404 });
    }) as typeof fetch;
    return { impl, seen };
  };

  it('fetches keys, checkpoints and events with the key, the workspace from the lines', async () => {
    const s = served();
    const r = await run(['--url', 'http://audit.test/', '--key', 'sk_ws'], s.impl);
    expect(r.status).toBe(0);
    expect(s.seen).toEqual([
      'http://audit.test/.well-known/audit-log-keys.json -',
      'http://audit.test/export/checkpoints Bearer sk_ws',
      'http://audit.test/export?format=ndjson Bearer sk_ws',
    ]);
    const w = served();
    await run(['--url', 'http://audit.test', '--key', 'sk_org', '--workspace', WS], w.impl);
    expect(w.seen[1]).toBe(`http://audit.test/export/checkpoints?workspaceId=${WS} Bearer sk_org`);
  });

  it('--since checks only checkpoints sealed from then on, chained from the first kept', async () => {
    const r = await run(
      ['--url', 'http://audit.test', '--key', 'k', '--since', log.checkpoints[1]!.sealedAt, '--json'],
      served().impl,
    );
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      counts: { events: 15, sealed: 10, unsealed: 5, checkpoints: 1 },
    });
  });

  const EXPORT_LIMIT = 'rate limit: 5 requests per 1 min for export (GET/POST /export) per API key; retry in 40 s';
  /** The service, refusing the first `refusals` exports as over the export limit, asking `retryAfter` seconds. */
  const limited = (refusals: number, retryAfter: string) => {
    const s = served();
    const impl = (async (url: string | URL, init?: RequestInit) => {
      if (!new URL(String(url)).pathname.startsWith('/export') || refusals-- <= 0) return s.impl(url, init);
      s.seen.push(`${String(url)} 429`);
      const body = { error: { code: 'TOO_MANY_REQUESTS', message: EXPORT_LIMIT } };
      return new Response(JSON.stringify(body), { status: 429, headers: { 'retry-after': retryAfter } });
    }) as typeof fetch;
    return { impl, seen: s.seen };
  };

  it('waits out the export limit (429) for its Retry-After and goes on', async () => {
    const s = limited(2, '25');
    const r = await run(['--url', 'http://audit.test', '--key', 'k', '--json'], s.impl);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.slept).toEqual([25_000, 25_000]);
    expect(s.seen.filter((l) => l.endsWith(' 429'))).toHaveLength(2);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, counts: { events: 25 } });
  });

  it('exits 2 naming the wait and the limit when the limit outlasts a minute of waiting', async () => {
    const r = await run(['--url', 'http://audit.test', '--key', 'k'], limited(3, '25').impl);
    expect(r.status).toBe(2);
    expect(r.slept).toEqual([25_000, 25_000]);
    expect(r.err).toBe(
      'verify: --url: GET http://audit.test/export/checkpoints is rate limited (429) for 25 s more, past the 60 s ' +
        `the verifier waits out rate limits per request; run it again later: ${EXPORT_LIMIT}`,
    );
  });

  it('an organization key without --workspace is a clear error', async () => {
    const r = await run(['--url', 'http://audit.test', '--key', 'sk_org'], served(400).impl);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/answered 400: .*an organization key needs --workspace <ws_id>/);
  });
});

describe('ndjson lines', () => {
  it('reassembles lines split across chunks and multi-byte characters, skipping blank lines', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":2}\n{"c":3}');
    const chunks = [bytes.slice(0, 7), bytes.slice(7, 13), bytes.slice(13)];
    async function* gen() {
      yield* chunks;
    }
    const out: unknown[] = [];
    for await (const v of ndjson(gen(), 'test')) out.push(v);
    expect(out).toEqual([{ a: 'é' }, { b: 2 }, { c: 3 }]);
  });
});
