import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, searchTokens } from '@audit/shared';
import type { EventDoc } from '@audit/store';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
let t: Tenant;
let http: { url: string; close(): Promise<void> };

const ev = (i: number, extra: Record<string, unknown> = {}) => ({
  category: 'lock' as const,
  action: i % 2 ? 'created' : 'deleted',
  actor: { type: 'user' as const, id: `usr_${i % 5}`, name: `User ${i % 5}` },
  description: `export row ${i}`,
  ...extra,
});

beforeAll(async () => {
  env = await openTestEnv();
  t = await env.tenant('enterprise');
  http = await env.http();
  await t.caller.events.recordBatch({ events: Array.from({ length: 230 }, (_, i) => ev(i)) });
  await t.caller.events.record(
    ev(999, {
      actor: { type: 'user', id: 'evil', name: '=HYPERLINK("http://x")' },
      description: '-2+3, "quoted"\nline',
      metadata: { a: 1 },
    }),
  );
});
afterAll(async () => {
  await http?.close();
  await env?.close();
});

function get(path: string, token?: string) {
  return fetch(`${http.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function allIds(q: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.caller.events.list({ q, limit: 100, cursor });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('export', () => {
  it('streams NDJSON that agrees with events.list for the same search', async () => {
    const q = 'actor:usr_3 action:lock.created';
    const res = await get(`/export?format=ndjson&q=${encodeURIComponent(q)}`, t.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-log-.*\.ndjson"/);
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(await allIds(q));
    expect(lines.length).toBe(23);
  });

  it('writes CSV safe to open in a spreadsheet', async () => {
    const res = await get('/export?format=csv&q=actor:evil', t.key);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await res.text();
    const [header, ...rest] = text.split('\r\n');
    expect(header).toMatch(/^id,recordedAt,occurredAt,workspaceId,workspaceName,/);
    expect(rest.join('\r\n')).toContain(`'=HYPERLINK(""http://x"")`);
    expect(rest.join('\r\n')).toContain(`"'-2+3, ""quoted""\nline"`);
  });

  it('takes the same filters, and a form post with the key for the page', async () => {
    const body = new URLSearchParams({
      key: t.key,
      format: 'csv',
      q: 'row',
      categories: 'lock,auth',
      scope: '',
      workspaceId: '',
    });
    const res = await fetch(`${http.url}/export`, { method: 'POST', body });
    expect(res.status).toBe(200);
    const rows = (await res.text()).trimEnd().split('\r\n');
    expect(rows.length - 1).toBe((await allIds('row')).length);
  });

  it('refuses what events.list refuses, with the same messages', async () => {
    expect((await get('/export?format=csv')).status).toBe(401);
    const bad = await get('/export?format=csv&q=actor:', t.key);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^q: at character 1: "actor:" needs a value/,
    );
    expect((await get('/export?format=xml', t.key)).status).toBe(400);
    expect((await get('/export?scope=organization', t.key)).status).toBe(403);
    const small = await env.tenant('team');
    const refused = await get('/export', small.key);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /requires the Enterprise plan/,
    );
    const form = await fetch(`${http.url}/export`, { method: 'POST', body: new URLSearchParams({ key: 'atk_wrong' }) });
    expect(form.status).toBe(401);
  });
});

describe('export of a large result', () => {
  const ROWS = 30_000;
  it(`streams ${ROWS} rows with bounded memory`, async () => {
    const big = await env.tenant('enterprise');
    const metadata = { blob: 'm'.repeat(1024) };
    const seedStart = Date.now();
    const start = Date.now() - ROWS * 1000;
    for (let b = 0; b < ROWS; b += 2000) {
      const docs: EventDoc[] = Array.from({ length: 2000 }, (_, i) => {
        const n = b + i;
        const e = ev(n);
        const at = new Date(start + n * 1000);
        const id = newId('event', at.getTime());
        // Past the seqs the API already handed out (workspace and key creation events).
        return {
          _id: id,
          workspaceId: big.workspaceId,
          organizationId: big.organizationId,
          seq: 1_000_000 + n,
          ...e,
          target: null,
          metadata,
          occurredAt: at,
          recordedAt: at,
          context: {},
          idempotencyKey: null,
          idem: `auto:${id}`,
          tokens: searchTokens(e),
        };
      });
      await env.deps.store.events.col.insertMany(docs);
    }
    const seeded = Date.now();
    // A collected heap is what the process holds; without collecting, garbage looks like growth.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const liveHeap = () => (gc(), process.memoryUsage().heapUsed);
    const baseline = liveHeap();
    const baselineRss = process.memoryUsage().rss;
    let peakHeap = baseline;
    let peakRss = baselineRss;
    let lines = 0;
    let bytes = 0;
    const res = await get('/export?format=ndjson&q=row', big.key);
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const ch of decoder.decode(chunk, { stream: true })) if (ch === '\n') lines++;
      if (lines % 3000 < 40) {
        // A slow reader: the server must wait for it rather than read ahead into memory.
        await new Promise((r) => setTimeout(r, 200));
        peakHeap = Math.max(peakHeap, liveHeap());
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(
      `[export] ${lines} rows, ${mb(bytes)} MiB in ${Date.now() - seeded} ms (seeding took ${seeded - seedStart} ms); live heap +${mb(peakHeap - baseline)} MiB, rss +${mb(peakRss - baselineRss)} MiB`,
    );
    expect(lines).toBe(ROWS);
    // Holding the result would take at least the bytes streamed; a batch of 1000 is about 1.5 MiB.
    expect(peakHeap - baseline).toBeLessThan(Math.min(bytes / 4, 16 * 1024 * 1024));
  }, 180_000);
});
