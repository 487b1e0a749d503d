import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant, TestEnv } from '@audit/testing';
import {
  databaseProblems,
  heapUsedAfterGc,
  hostileRequest,
  openHostileServer,
  params,
  prototypeChanges,
  prototypeSnapshot,
  timeoutMs,
  type HostileRequest,
  type HostileServer,
  type IdPools,
} from '@audit/testing/hostile';

let hostile: HostileServer;
let env: TestEnv;
let a: Tenant;
let b: Tenant;
let url: string;
let pools: IdPools;
let tokens: Record<string, string | null>;
const protoBefore = prototypeSnapshot();
const B_SECRET = 'secret of tenant b';

beforeAll(async () => {
  hostile = await openHostileServer();
  ({ env, a, b, url, tokens } = hostile);
  const seed = (description: string) => ({
    events: Array.from({ length: 5 }, (_, i) => ({
      category: 'lock' as const,
      action: 'created',
      actor: { type: 'user' as const, id: `u${i}` },
      description,
    })),
  });
  const aIds = (await a.caller.events.recordBatch(seed('mine'))).events.map((e) => e.id);
  const bIds = (await b.caller.events.recordBatch(seed(B_SECRET))).events.map((e) => e.id);
  pools = {
    workspaceIds: [a.workspaceId, b.workspaceId],
    eventIds: [...aIds, ...bIds],
    cursors: [],
    organizationIds: [a.organizationId, b.organizationId],
    apiKeyIds: [],
    retentionRunIds: [],
  };
});

afterAll(() => hostile?.close());

afterEach(async () => {
  expect(prototypeChanges(protoBefore)).toEqual([]);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect((await databaseProblems(env.deps.store.db)).problems).toEqual([]);
});

async function send(r: HostileRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (r.contentType !== null) headers['content-type'] = r.contentType;
  const token = tokens[r.token];
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(`${url}${r.path}`, {
    method: r.method,
    headers,
    body: r.body,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, text: await res.text() };
}

/** No 5xx anywhere, not even inside a batch; B's events never in an answer to anyone else. */
function checkAnswer(r: HostileRequest, res: { status: number; text: string }): void {
  const deliberate =
    r.path.startsWith('/trpc/admin.retention.runNow') && res.text.includes('Temporal is not configured');
  if (!deliberate)
    expect(res.status, `${r.method} ${r.path.slice(0, 200)} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = null;
  }
  for (const item of Array.isArray(body) ? body : [body]) {
    const status = (item as { error?: { data?: { httpStatus?: number } } } | null)?.error?.data?.httpStatus;
    if (status !== undefined && !deliberate) expect(status, res.text.slice(0, 300)).toBeLessThan(500);
  }
  if (r.token !== 'tenantB') expect(res.text).not.toContain(B_SECRET);
  if (r.token !== 'tenantA') expect(res.text).not.toContain('"description":"mine"');
}

describe('hostile input over HTTP', () => {
  it(
    'answers arbitrary requests with 2xx or 4xx and leaks nothing across tenants',
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileRequest(pools), async (r) => checkAnswer(r, await send(r))),
        params(1200),
      );
    },
    timeoutMs(60_000),
  );

  it(
    'refuses oversized and pathological bodies without a 5xx',
    async () => {
      const record = (body: string | Uint8Array) =>
        send({
          method: 'POST',
          path: '/trpc/events.recordBatch',
          contentType: 'application/json',
          token: 'tenantA',
          body,
        });
      const cases: [string, () => Promise<{ status: number; text: string }>, number][] = [
        ['an 11 MB body', () => record(`{"events":["${'x'.repeat(11 * 1024 * 1024)}"]}`), 413],
        ['two million nested arrays', () => record('['.repeat(2_000_000)), 400],
        ['a million-element events array', () => record(JSON.stringify({ events: Array(1_000_000).fill(0) })), 400],
        [
          '500 events at the metadata size limit plus one byte',
          () =>
            record(
              JSON.stringify({
                events: Array.from({ length: 500 }, () => ({
                  category: 'lock',
                  action: 'created',
                  actor: { type: 'user', id: 'u' },
                  metadata: { s: 'x'.repeat(16_380) },
                })),
              }),
            ),
          400,
        ],
        ['invalid UTF-8', () => record(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), 400],
        [
          'a 64 KB URL',
          () =>
            send({
              method: 'GET',
              path: `/trpc/events.list?input=${'a'.repeat(64 * 1024)}`,
              contentType: null,
              token: 'tenantA',
            }),
          431,
        ],
      ];
      const stored = () => env.deps.store.events.col.countDocuments({ workspaceId: a.workspaceId });
      const before = await stored();
      for (const [name, run, expected] of cases) {
        const res = await run();
        expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBe(expected);
      }
      expect(await stored()).toBe(before);
    },
    timeoutMs(60_000),
  );

  it(
    'keeps the heap bounded across rounds of hostile requests',
    async () => {
      const round = (numRuns: number) =>
        fc.assert(
          fc.asyncProperty(hostileRequest(pools), async (r) => void (await send(r))),
          { numRuns },
        );
      await round(150);
      const before = heapUsedAfterGc();
      const count = params(500).numRuns;
      await round(count);
      const grown = heapUsedAfterGc() - before;
      expect(grown, `heap grew by ${(grown / 1e6).toFixed(1)} MB over ${count} requests`).toBeLessThan(16e6);
    },
    timeoutMs(60_000),
  );
});
