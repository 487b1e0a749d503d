import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '@audit/testing';
import {
  hostileRequest,
  hostileString,
  hostileValue,
  openHostileServer,
  params,
  timeoutMs,
  type HostileRequest,
  type HostileServer,
  type IdPools,
} from '@audit/testing/hostile';

// The hostile suite with the rate limits on, and low: most of these requests are refused, and
// a refusal must be a well-formed 429 whatever the request was, over /trpc, REST and /export.
let hostile: HostileServer;
let a: Tenant;
let b: Tenant;
let url: string;
let pools: IdPools;
let tokens: Record<string, string | null>;
const seen = { limited: 0, answered: 0 };

beforeAll(async () => {
  hostile = await openHostileServer({
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_RECORD_PER_KEY: '5/1s',
    RATE_LIMIT_SEARCH_PER_KEY: '3/1s',
    RATE_LIMIT_OTHER_PER_KEY: '5/1s',
    RATE_LIMIT_EXPORT_PER_KEY: '1/1s',
    RATE_LIMIT_RECORD_PER_WORKSPACE: '8/1s',
  });
  ({ a, b, url, tokens } = hostile);
  const ids = (
    await a.caller.events.recordBatch({
      events: [{ category: 'lock', action: 'created', actor: { type: 'user', id: 'u' } }],
    })
  ).events.map((e) => e.id);
  pools = {
    workspaceIds: [a.workspaceId, b.workspaceId],
    eventIds: ids,
    cursors: [],
    organizationIds: [a.organizationId, b.organizationId],
    apiKeyIds: [],
    retentionRunIds: [],
  };
});

afterAll(() => hostile?.close());

/** A lone surrogate cannot be percent-encoded: sent as the bytes of one, which no decoder accepts. */
const pathSegment = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

/** REST routes with hostile path segments, query strings and bodies. */
function hostileRestRequest(): fc.Arbitrary<HostileRequest> {
  const id = fc.oneof(
    fc.constantFrom(...pools.eventIds, a.workspaceId, 'whk_01ARZ3NDEKTSV4RRFFQ69G5FAV'),
    hostileString.map(pathSegment),
  );
  const path = fc.oneof(
    fc.constantFrom('/api/v1/events', '/api/v1/events/batch', '/api/v1/webhooks', '/api/v1/retention', '/api/v1/nope'),
    id.map((i) => `/api/v1/events/${i}`),
    fc
      .tuple(id, fc.constantFrom('', '/test', '/rotate-secret', '/deliveries', '/recover', '/replay'))
      .map(([i, s]) => `/api/v1/webhooks/${i}${s}`),
  );
  const query = fc.dictionary(
    fc.constantFrom('limit', 'cursor', 'q', 'categories', 'workspaceId', 'scope', '__proto__'),
    hostileString,
    { maxKeys: 3 },
  );
  return fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
      path: fc.tuple(path, query).map(([p, q]) => `${p}?${new URLSearchParams(q)}`),
      contentType: fc.constantFrom('application/json', 'text/plain', null),
      token: fc.constantFrom('tenantA', 'tenantB', 'junk', 'none'),
      body: hostileValue({ jsonOnly: true }).map((v) => JSON.stringify(v) ?? 'null'),
    })
    .map((r) => (r.method === 'GET' || r.method === 'DELETE' ? { ...r, body: undefined } : r));
}

async function check(r: HostileRequest): Promise<void> {
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
  const text = await res.text();
  seen.answered++;
  const deliberate = text.includes('Temporal is not configured');
  if (!deliberate) expect(res.status, `${r.method} ${r.path.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status === 429) {
    seen.limited++;
    expect(res.headers.get('retry-after'), text.slice(0, 200)).toMatch(/^[1-9]\d*$/);
    expect(text).toMatch(
      /rate limit: \d+ requests per [\d.]+ (ms|s|min|h) for .+ per (API key|workspace|organization); retry in \d+ s/,
    );
  }
}

describe('hostile input with the rate limits on', () => {
  it(
    'answers every request below 500; every refusal is a 429 with Retry-After naming the limit',
    async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(hostileRequest(pools), hostileRestRequest()), check), params(600));
      console.log(`[hostile rate limits] ${seen.answered} requests, ${seen.limited} refused by a limit`);
      expect(seen.limited).toBeGreaterThan(0);
    },
    timeoutMs(60_000),
  );
});
