import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventSchema, type AuditEvent } from '@audit/shared';
import { openTestEnv, type Caller, type Tenant, type TestEnv } from '@audit/testing';
import { silentLogger } from '../deps.ts';
import { appRouter } from '../router.ts';
import { createContext } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/procedures.ts';
import {
  adminInputs,
  batchInput,
  callPath,
  databaseProblems,
  eventInput,
  expectedView,
  getInput,
  heapUsedAfterGc,
  hostileValue,
  listInput,
  params,
  prototypeChanges,
  prototypeSnapshot,
  sentFields,
  settle,
  timeoutMs,
  type IdPools,
} from '@audit/testing/hostile';

let env: TestEnv;
let a: Tenant;
let b: Tenant;
let orgCaller: Caller;
let aWorkspaces: string[];
let bEventIds: Set<string>;
let pools: IdPools;
let adminPools: IdPools;
let bSnapshot: unknown[];
const protoBefore = prototypeSnapshot();
/** Workspace and idempotency key to the event id first returned for them. */
const firstIdFor = new Map<string, string>();
const callers = (): Record<string, Caller> => ({ workspaceKey: a.caller, organizationKey: orgCaller });

const bDocs = () => env.deps.store.events.col.find({ workspaceId: b.workspaceId }).sort({ _id: 1 }).toArray();

beforeAll(async () => {
  env = await openTestEnv();
  a = await env.tenant('enterprise');
  b = await env.tenant('enterprise');
  const sacrificial = await env.tenant('team');
  const a2 = await env.admin.admin.workspaces.create({
    organizationId: a.organizationId,
    name: 'second',
    plan: 'enterprise',
  });
  orgCaller = await env.callerFor(
    (
      await env.admin.admin.apiKeys.create({
        organizationId: a.organizationId,
        scopes: ['events:read', 'events:write'],
      })
    ).key,
  );
  aWorkspaces = [a.workspaceId, a2.id];
  const seed = (who: string) =>
    Array.from({ length: 12 }, (_, i) => ({
      category: 'lock' as const,
      action: 'created',
      actor: { type: 'user' as const, id: `${who}-${i}` },
      description: `secret of ${who}`,
    }));
  const aIds = (await a.caller.events.recordBatch({ events: seed('a') })).events.map((e) => e.id);
  bEventIds = new Set((await b.caller.events.recordBatch({ events: seed('b') })).events.map((e) => e.id));
  const cursors: string[] = [];
  for (const t of [a, b]) {
    let cursor: string | undefined;
    for (let i = 0; i < 3; i++) {
      const page = await t.caller.events.list({ limit: 4, ...(cursor ? { cursor } : {}) });
      if (!page.nextCursor) break;
      cursors.push((cursor = page.nextCursor));
    }
  }
  pools = {
    workspaceIds: [...aWorkspaces, b.workspaceId],
    eventIds: [...aIds, ...bEventIds],
    cursors,
    organizationIds: [a.organizationId, b.organizationId],
    apiKeyIds: [],
    retentionRunIds: [],
  };
  adminPools = {
    workspaceIds: [sacrificial.workspaceId],
    eventIds: [],
    cursors: [],
    organizationIds: [sacrificial.organizationId],
    apiKeyIds: [sacrificial.keyId],
    retentionRunIds: [],
  };
  bSnapshot = await bDocs();
});

afterAll(async () => {
  await env?.close();
});

afterEach(async () => {
  expect(prototypeChanges(protoBefore)).toEqual([]);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  const { problems } = await databaseProblems(env.deps.store.db);
  expect(problems).toEqual([]);
  expect(await bDocs()).toEqual(bSnapshot);
});

/** An accepted event belongs to the caller's tenant and is exactly what was sent (or the first event under its key). */
function checkAccepted(event: AuditEvent, input: Record<string, unknown>, who: string): void {
  expect(AuditEventSchema.safeParse(event).success).toBe(true);
  expect(event.organizationId).toBe(a.organizationId);
  expect(who === 'workspaceKey' ? [a.workspaceId] : aWorkspaces).toContain(event.workspaceId);
  if (typeof input['idempotencyKey'] === 'string') {
    const slot = `${event.workspaceId}\n${input['idempotencyKey']}`;
    const first = firstIdFor.get(slot);
    if (first) return void expect(event.id).toBe(first);
    firstIdFor.set(slot, event.id);
  }
  const sentContext = input['context'] as { requestId?: string } | undefined;
  if (!sentContext?.requestId) expect(event.context.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(sentFields(event, typeof input['occurredAt'] === 'string')).toEqual(
    expectedView(input, event.context.requestId),
  );
}

const who = fc.constantFrom('workspaceKey', 'organizationKey');

describe('hostile input through createCaller', () => {
  it('returns metadata stored under the names of Object.prototype members unchanged', async () => {
    const metadata = { valueOf: [{ a: 1 }], toString: [{ b: [1, { c: 2 }] }], hasOwnProperty: { x: [{}] } };
    const ev = await a.caller.events.record({
      category: 'lock',
      action: 'created',
      actor: { type: 'user', id: 'u' },
      metadata,
    });
    expect((await a.caller.events.get({ id: ev.id })).metadata).toEqual(metadata);
  });

  it(
    'events.record answers 4xx or stores exactly what was sent',
    async () => {
      await fc.assert(
        fc.asyncProperty(eventInput(pools, false), who, async (input, w) => {
          const r = await settle(() => callers()[w]!.events.record(input as never));
          if (r.ok) checkAccepted(r.value as AuditEvent, input as Record<string, unknown>, w);
        }),
        params(1000),
      );
    },
    timeoutMs(60_000),
  );

  it(
    'events.recordBatch answers 4xx or stores each event as sent',
    async () => {
      await fc.assert(
        fc.asyncProperty(batchInput(pools, false), who, async (input, w) => {
          const r = await settle(() => callers()[w]!.events.recordBatch(input as never));
          if (!r.ok) return;
          const sent = (input as { events: Record<string, unknown>[] }).events;
          const got = (r.value as { events: AuditEvent[] }).events;
          expect(got).toHaveLength(sent.length);
          got.forEach((event, i) => checkAccepted(event, sent[i]!, w));
        }),
        params(300),
      );
    },
    timeoutMs(60_000),
  );

  it(
    "events.list and events.get never show another tenant's events",
    async () => {
      const read = fc.oneof(
        listInput(pools, false).map((i) => ['list', i] as const),
        getInput(pools, false).map((i) => ['get', i] as const),
      );
      await fc.assert(
        fc.asyncProperty(read, who, async ([op, input], w) => {
          const caller = callers()[w]!;
          const r = await settle(() =>
            op === 'list' ? caller.events.list(input as never) : caller.events.get(input as never),
          );
          if (!r.ok) return;
          const items: AuditEvent[] = op === 'list' ? r.value.items : [r.value];
          for (const e of items) {
            expect(bEventIds.has(e.id)).toBe(false);
            expect(w === 'workspaceKey' ? [a.workspaceId] : aWorkspaces).toContain(e.workspaceId);
          }
          if (op === 'list') expect(items.length).toBeLessThanOrEqual(100);
        }),
        params(1200),
      );
    },
    timeoutMs(60_000),
  );

  it(
    'admin procedures answer 4xx to anything but the admin token with valid input',
    async () => {
      const adminDeps = { ...env.deps, temporal: null, log: silentLogger };
      const createCaller = createCallerFactory(appRouter);
      const principals = {
        admin: createCaller(createContext(adminDeps, { kind: 'admin' })),
        apiKey: createCaller(
          createContext(adminDeps, {
            kind: 'key',
            keyId: a.keyId,
            organizationId: a.organizationId,
            workspaceId: a.workspaceId,
            scopes: ['events:read', 'events:write', 'webhooks:manage'],
          }),
        ),
        nobody: createCaller(createContext(adminDeps, null)),
      };
      const inputs = adminInputs(adminPools, false);
      const call = fc
        .constantFrom(...Object.keys(inputs))
        .chain((path) => inputs[path]!.map((input) => [path, input] as const));
      await fc.assert(
        fc.asyncProperty(call, fc.constantFrom('admin', 'apiKey', 'nobody' as const), async ([path, input], p) => {
          // Temporal is deliberately absent here: a real purge started by a fuzzer would hold the one purge lock.
          const r = await settle(() => callPath(principals[p], path, input), /^Temporal is not configured$/);
          if (r.ok) expect(p).toBe('admin');
        }),
        params(2000),
      );
    },
    timeoutMs(60_000),
  );

  it(
    'every procedure refuses values JSON cannot even carry',
    async () => {
      const paths = ['events.record', 'events.recordBatch', 'events.list', 'events.get', 'retention.status'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...paths), hostileValue({ jsonOnly: false }), who, async (path, input, w) => {
          await settle(() => callPath(callers()[w], path, input));
        }),
        params(1200),
      );
    },
    timeoutMs(60_000),
  );

  it(
    'retains no memory across repeated rounds of hostile calls',
    async () => {
      const mixed = fc.oneof(
        listInput(pools, false).map((i) => ['events.list', i] as const),
        getInput(pools, false).map((i) => ['events.get', i] as const),
        eventInput(pools, false).map((i) => ['events.record', i] as const),
      );
      const round = (numRuns: number) =>
        fc.assert(
          fc.asyncProperty(mixed, async ([path, input]) => void (await settle(() => callPath(a.caller, path, input)))),
          { numRuns },
        );
      await round(300);
      const before = heapUsedAfterGc();
      const calls = params(1000).numRuns;
      await round(calls);
      const grown = heapUsedAfterGc() - before;
      expect(grown, `heap grew by ${(grown / 1e6).toFixed(1)} MB over ${calls} calls`).toBeLessThan(16e6);
    },
    timeoutMs(60_000),
  );
});
