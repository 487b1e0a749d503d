import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockCreated, openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import { createAuditLogClient } from './create-client.ts';
import { RateLimitWaitExceeded } from './retry-after.ts';

/*
 * The API's real limiter, set low: 2 calls per 2 s per key for search, recording and the rest.
 * Each test uses a fresh tenant (a fresh key), so one test's calls never count against another's.
 */
const WINDOW_MS = 2000;
let env: TestEnv;
let http: { url: string; close(): Promise<void> };

beforeAll(async () => {
  env = await openTestEnv({
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_SEARCH_PER_KEY: `2/${WINDOW_MS}ms`,
    RATE_LIMIT_RECORD_PER_KEY: `2/${WINDOW_MS}ms`,
    RATE_LIMIT_OTHER_PER_KEY: `2/${WINDOW_MS}ms`,
  });
  http = await env.http();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

/** The API's answers as the client's retrying sees them, by procedure: `events.list 429`. */
function answersSeen() {
  const answers: string[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    answers.push(`${new URL(String(input)).pathname.replace('/trpc/', '')} ${res.status}`);
    return res;
  }) as typeof fetch;
  return { answers, fetchFn, refused: () => answers.filter((a) => a.endsWith(' 429')).length };
}

/**
 * Just after a window of the limiter starts (windows are aligned to the epoch), so that a short
 * burst of calls lands in one window and its third call is refused for certain.
 */
async function atWindowStart(): Promise<void> {
  await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 20));
}

async function tenantWithLocks(n: number): Promise<{ t: Tenant; ids: string[] }> {
  const t = await env.tenant('enterprise');
  const { events } = await t.caller.events.recordBatch({ events: Array.from({ length: n }, (_, i) => lockCreated(i)) });
  return { t, ids: events.map((e) => e.id).reverse() };
}

describe('the typed client under the API rate limits', () => {
  it('list iterates to the end, waiting out each 429 for its Retry-After', async () => {
    const { t, ids } = await tenantWithLocks(6);
    const seen = answersSeen();
    const client = createAuditLogClient({ url: http.url, apiKey: t.key, fetch: seen.fetchFn });
    await atWindowStart();
    const listed: string[] = [];
    for await (const page of client.list({ limit: 1, categories: ['lock'] })) {
      listed.push(...page.items.map((e) => e.id));
    }
    expect(listed).toEqual(ids);
    // Six pages at two a window: at least the third and the fifth were refused first.
    expect(seen.refused()).toBeGreaterThanOrEqual(2);
    expect(seen.answers.filter((a) => a === 'events.list 200')).toHaveLength(6);
  });

  it('fails with an error naming the budget when the limit outlasts it', async () => {
    const { t } = await tenantWithLocks(6);
    const seen = answersSeen();
    const retry = { rateLimitWaitMs: 500 };
    const client = createAuditLogClient({ url: http.url, apiKey: t.key, fetch: seen.fetchFn, retry });
    await atWindowStart();
    const pages: unknown[] = [];
    const err = await (async () => {
      for await (const page of client.list({ limit: 1, categories: ['lock'] })) pages.push(page);
    })().catch((e: unknown) => e as Error & { cause?: unknown });
    expect(pages).toHaveLength(2);
    expect(err?.cause).toBeInstanceOf(RateLimitWaitExceeded);
    expect(err?.message).toMatch(/^rate limited \(429\) and not retried: the API asks to retry in [12] s, past /);
    expect(err?.message).toMatch(/ \(retry\.rateLimitWaitMs: 500 ms, 0 s waited already\): rate limit: 2 requests /);
    expect(err?.message).toMatch(/: rate limit: 2 requests per 2 s for search \(events\.list\) per API key; retry in/);
    expect(seen.answers).toEqual(['events.list 200', 'events.list 200', 'events.list 429']);
  });

  it('get and retention wait too, and so does record, which stores each event once', async () => {
    const { t, ids } = await tenantWithLocks(1);
    const seen = answersSeen();
    const client = createAuditLogClient({ url: http.url, apiKey: t.key, fetch: seen.fetchFn });
    await atWindowStart();
    for (let i = 0; i < 3; i++) expect((await client.get(ids[0]!)).id).toBe(ids[0]);
    expect((await client.retention()).plan).toBe('enterprise');
    const recorded = [];
    for (let i = 0; i < 3; i++) recorded.push(await client.record(lockCreated(100 + i)));
    // The third get is refused and sent again in the next window, where retention.status is the second call.
    const reads = seen.answers.filter((a) => !a.startsWith('events.record'));
    const gets = ['events.get 200', 'events.get 200', 'events.get 429', 'events.get 200'];
    expect(reads).toEqual([...gets, 'retention.status 200']);
    expect(seen.answers.filter((a) => a === 'events.record 429').length).toBeGreaterThanOrEqual(1);
    const filter = { workspaceId: t.workspaceId, 'target.id': { $in: ['stk_100', 'stk_101', 'stk_102'] } };
    const stored = await env.deps.store.events.col.find(filter).toArray();
    expect(stored.map((d) => d._id).sort()).toEqual(recorded.map((e) => e.id).sort());
  });
});
