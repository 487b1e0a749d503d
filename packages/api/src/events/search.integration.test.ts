import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

let env: TestEnv;
let t: Tenant;
const ids: Record<string, string> = {};

const seed = {
  adaLock: {
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' },
    description: 'Locked the production VPC stack',
    metadata: { reason: 'incident 42' },
  },
  bobUnlock: {
    category: 'lock',
    action: 'deleted',
    actor: { type: 'user', id: 'usr_bob', name: 'Bob Builder', email: 'bob@example.org' },
    target: { type: 'stack', id: 'stk_staging', name: 'staging vpc' },
    description: 'Unlocked staging',
  },
  ciAuth: {
    category: 'auth',
    action: 'oidc_token_exchange_failure',
    actor: { type: 'api_key', id: 'key_ci', name: 'CI pipeline' },
    description: 'Token exchange failed for prod',
  },
  adaInvite: {
    category: 'team_member',
    action: 'invited',
    actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    target: { type: 'user', id: 'usr_grace', name: 'Grace Hopper' },
    description: 'Invited Grace',
  },
  deployFailed: {
    category: 'workflow',
    action: 'failed',
    actor: { type: 'system', id: 'scheduler' },
    target: { type: 'workflow', id: 'wf_deploy', name: 'deploy' },
    description: 'vpc prod deploy failed: $where {"$gt": 1} .* (a|b)',
  },
} as const;
type Name = keyof typeof seed;

beforeAll(async () => {
  env = await openTestEnv();
  t = await env.tenant('enterprise');
  const realClock = env.deps.clock;
  // Two recording days, so after:/before: have something to split.
  env.deps.clock = () => new Date('2026-01-10T12:00:00Z');
  ids.adaLock = (await t.caller.events.record(seed.adaLock)).id;
  ids.bobUnlock = (await t.caller.events.record(seed.bobUnlock)).id;
  env.deps.clock = () => new Date('2026-02-20T08:30:00Z');
  for (const name of ['ciAuth', 'adaInvite', 'deployFailed'] as const)
    ids[name] = (await t.caller.events.record(seed[name])).id;
  env.deps.clock = realClock;
});
afterAll(async () => {
  await env?.close();
});

async function search(q: string, extra: Record<string, unknown> = {}): Promise<Name[]> {
  const page = await t.caller.events.list({ q, limit: 100, ...extra });
  const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k as Name]));
  return page.items.map((e) => byId.get(e.id) ?? (e.category as Name)).filter((n) => n in seed);
}

describe('words', () => {
  it.each<[string, Name[]]>([
    ['ada', ['adaInvite', 'adaLock']],
    ['ADA', ['adaInvite', 'adaLock']],
    ['lov', ['adaInvite', 'adaLock']],
    ['ada prod', ['adaLock']],
    ['prod', ['deployFailed', 'ciAuth', 'adaLock']],
    ['stk_prod', ['adaLock']],
    ['example.org', ['bobUnlock']],
    ['grace', ['adaInvite']],
    ['oidc', ['ciAuth']],
    ['invited', ['adaInvite']],
    ['zebra', []],
  ])('%s finds every event whose words start so', async (q, expected) => {
    expect(await search(q)).toEqual(expected);
  });

  it('matches quoted phrases as whole words in order', async () => {
    expect(await search('"prod vpc"')).toEqual(['adaLock']);
    expect(await search('"vpc prod"')).toEqual(['deployFailed']);
    expect(await search('"pro vpc"')).toEqual([]);
    expect(await search('"ada lovelace" "production vpc"')).toEqual(['adaLock']);
  });

  it('treats regex and operator characters in the query as text', async () => {
    expect(await search('$where')).toEqual(['deployFailed']);
    expect(await search('"$gt"')).toEqual(['deployFailed']);
    expect(await search('a|b')).toEqual(['deployFailed']);
    await expect(search('.*')).rejects.toThrow(/q: at character 1: ".\*" has no letters or digits/);
  });
});

describe('qualifiers', () => {
  it.each<[string, Name[]]>([
    ['actor:ada', ['adaInvite', 'adaLock']],
    ['actor:ada@example.com', ['adaInvite', 'adaLock']],
    ['actor:"bob builder"', ['bobUnlock']],
    ['actor:vpc', []],
    ['action:lock.created', ['adaLock']],
    ['action:lock.*', ['bobUnlock', 'adaLock']],
    ['action:failed', ['deployFailed']],
    ['action:lock.created,auth.*', ['ciAuth', 'adaLock']],
    ['target:stk_prod', ['adaLock']],
    ['target:stack', ['bobUnlock', 'adaLock']],
    ['target:grace', ['adaInvite']],
    ['target:ada', []],
    ['category:auth,team_member', ['adaInvite', 'ciAuth']],
    ['category:auth category:lock', ['ciAuth', 'bobUnlock', 'adaLock']],
    ['after:2026-02-01', ['deployFailed', 'adaInvite', 'ciAuth']],
    ['before:2026-02-01', ['bobUnlock', 'adaLock']],
    ['after:2026-01-10T12:00:00Z before:2026-01-10T12:00:00.001Z', ['bobUnlock', 'adaLock']],
    ['after:2026-02-20T08:30:00.001+00:00', []],
  ])('%s', async (q, expected) => {
    expect(await search(q)).toEqual(expected);
  });

  it.each<[string, Name[]]>([
    ['-actor:ada', ['deployFailed', 'ciAuth', 'bobUnlock']],
    ['-category:lock -category:workspace', ['deployFailed', 'adaInvite', 'ciAuth']],
    ['-action:lock.* -action:workspace.*', ['deployFailed', 'adaInvite', 'ciAuth']],
    ['-target:stack prod', ['deployFailed', 'ciAuth']],
    ['-ada -category:workspace -prod', ['bobUnlock']],
    ['-"prod vpc" vpc', ['deployFailed', 'bobUnlock']],
  ])('negation: %s', async (q, expected) => {
    expect(await search(q)).toEqual(expected);
  });

  it('combines words, qualifiers, the categories filter and from/to', async () => {
    expect(await search('ada action:lock.* -target:stk_staging before:2026-02-01')).toEqual(['adaLock']);
    expect(await search('ada', { categories: ['team_member'] })).toEqual(['adaInvite']);
    expect(await search('', { categories: ['lock', 'auth'], from: '2026-02-01T00:00:00Z' })).toEqual(['ciAuth']);
    expect(await search('category:lock', { categories: ['auth'] })).toEqual([]);
    expect(await search('prod after:2026-01-01', { to: '2026-02-01T00:00:00Z' })).toEqual(['adaLock']);
  });

  it('marks rows that have metadata, and get returns it in full', async () => {
    const page = await t.caller.events.list({ q: 'actor:ada', limit: 10 });
    expect(page.items.map((i) => i.hasMetadata)).toEqual([false, true]);
    expect(page.workspaces).toEqual([{ id: t.workspaceId, name: 'ws enterprise' }]);
    expect((await t.caller.events.get({ id: ids.adaLock! })).metadata).toEqual({ reason: 'incident 42' });
  });
});

describe('malformed queries', () => {
  it.each<[string, RegExp]>([
    ['actor:', /q: at character 1: "actor:" needs a value/],
    ['ada  foo:bar', /q: at character 6: unknown qualifier "foo:"/],
    ['action:lock.exploded', /q: at character 8: action: "exploded" is not an action of category "lock"/],
    ['action:lock.created,nope.x', /q: at character 21: action: "nope" is not a category/],
    ['category:locks', /q: at character 10: category: "locks" is not a category/],
    ['"open phrase', /q: at character 1: this quote is never closed/],
    ['ab"c', /q: at character 3: a quote may only start/],
    ['"a"b', /q: at character 4: a closing quote must be followed/],
    ['x - y', /q: at character 3: "-" must be followed/],
    ['after:2026-02-30', /q: at character 7: after: "2026-02-30" is not a calendar date/],
    ['before:tomorrow', /q: at character 8: before: "tomorrow" is not a date/],
    ['-after:2026-01-01', /q: at character 1: after: cannot be negated/],
    ['workspace:prod', /q: at character 11: workspace: only applies in organization scope/],
    ['""', /q: at character 2: an empty phrase has no letters or digits/],
    [Array.from({ length: 25 }, (_, i) => `w${i}`).join(' '), /q: at character 87: a query may have at most 24 terms/],
  ])('%s', async (q, message) => {
    const err = await t.caller.events.list({ q }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
    expect((err as Error).message).toMatch(message);
  });

  it('bounds every input', async () => {
    await expect(t.caller.events.list({ q: 'a'.repeat(513) })).rejects.toThrow(/q: must be at most 512 characters/);
    await expect(t.caller.events.list({ categories: ['lock', { $ne: 1 }] as never })).rejects.toThrow(/categories\.1/);
    await expect(t.caller.events.list({ from: 'last week' })).rejects.toThrow(/from: must be an ISO 8601 instant/);
    await expect(t.caller.events.list({ limit: 101 })).rejects.toThrow(/limit: must be at most 100/);
    await expect(t.caller.events.list({ cursor: 'bm9wZQ' })).rejects.toThrow(
      /cursor: is not a cursor this API returned/,
    );
  });
});
