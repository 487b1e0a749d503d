import fc from 'fast-check';
import {
  hostileJson,
  hostileKey,
  hostileString,
  hostileValue,
  legalEvent,
  operatorObject,
} from './hostile-arbitraries.ts';

/** Ids the generators may aim at: the caller's own, another tenant's, and ones that exist nowhere. */
export interface IdPools {
  workspaceIds: string[];
  eventIds: string[];
  cursors: string[];
  organizationIds: string[];
  apiKeyIds: string[];
  retentionRunIds: string[];
}

const EVENT_PATHS: string[][] = [
  ['category'],
  ['action'],
  ['actor'],
  ['actor', 'type'],
  ['actor', 'id'],
  ['actor', 'name'],
  ['actor', 'email'],
  ['target'],
  ['target', 'id'],
  ['target', 'type'],
  ['description'],
  ['metadata'],
  ['occurredAt'],
  ['context'],
  ['context', 'ip'],
  ['context', 'userAgent'],
  ['idempotencyKey'],
  ['workspaceId'],
];

/** Sets a path as own properties, so `__proto__` lands as a key rather than replacing a prototype. */
function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    const child =
      typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
    node = child;
  }
}

const ULID_CHARS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const wellFormedId = (prefix: string) =>
  fc.string({ unit: fc.constantFrom(...ULID_CHARS), minLength: 26, maxLength: 26 }).map((s) => `${prefix}_${s}`);

function pick(pool: string[], prefix: string, jsonOnly: boolean): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: pool.length > 0 ? 4 : 0, arbitrary: fc.constantFrom(...(pool.length > 0 ? pool : [''])) },
    { weight: 2, arbitrary: wellFormedId(prefix) },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: operatorObject },
    { weight: 1, arbitrary: hostileValue({ jsonOnly }) },
  );
}

/** Places hostile values at up to three paths of a legal event, or at a hostile top-level key. */
function mutated(
  base: fc.Arbitrary<Record<string, unknown>>,
  paths: fc.Arbitrary<string[]>,
  value: fc.Arbitrary<unknown>,
) {
  return fc.tuple(base, fc.array(fc.tuple(paths, value), { maxLength: 3 })).map(([event, changes]) => {
    const copy = { ...event };
    for (const [path, v] of changes) setPath(copy, path, v);
    return copy;
  });
}

export function eventInput(pools: IdPools, jsonOnly: boolean): fc.Arbitrary<unknown> {
  const value = hostileValue({ jsonOnly });
  const paths = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...EVENT_PATHS) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom('actor', 'target', 'context', 'metadata'), hostileKey).map((p) => [...p]),
    },
    { weight: 1, arbitrary: hostileKey.map((k) => [k]) },
  );
  const withWorkspace = fc
    .tuple(legalEvent, fc.option(pick(pools.workspaceIds, 'ws', jsonOnly), { nil: undefined }))
    .map(([e, ws]) => (ws === undefined ? e : { ...e, workspaceId: ws }));
  return fc.oneof(
    { weight: 4, arbitrary: mutated(withWorkspace, paths, value) },
    { weight: 3, arbitrary: withWorkspace },
    { weight: 1, arbitrary: value },
  );
}

export function batchInput(pools: IdPools, jsonOnly: boolean): fc.Arbitrary<unknown> {
  const events = fc.oneof(
    { weight: 6, arbitrary: fc.array(eventInput(pools, jsonOnly), { minLength: 1, maxLength: 12 }) },
    { weight: 2, arbitrary: fc.array(legalEvent, { minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: legalEvent.map((e) => Array.from({ length: 501 }, () => e)) },
    { weight: 1, arbitrary: hostileValue({ jsonOnly }) },
  );
  const body = fc.record(
    { events, workspaceId: pick(pools.workspaceIds, 'ws', jsonOnly) },
    { requiredKeys: ['events'] },
  );
  return fc.oneof(
    { weight: 8, arbitrary: body },
    {
      weight: 1,
      arbitrary: mutated(
        body,
        hostileKey.map((k) => [k]),
        hostileValue({ jsonOnly }),
      ),
    },
  );
}

/** Cursors: real ones (including another tenant's), garbage, and well-encoded hostile positions. */
export function cursorInput(pools: IdPools, jsonOnly: boolean): fc.Arbitrary<unknown> {
  const position = fc.tuple(
    fc.oneof(
      fc.integer({ min: 0 }),
      fc.constantFrom(8.64e15 + 1, 9e15, Number.MAX_SAFE_INTEGER, 1e300, -1),
      fc.double(),
      hostileString,
      operatorObject,
    ),
    fc.oneof(hostileString, operatorObject, fc.constant(null)),
  );
  const encoded = fc
    .oneof(position, hostileJson)
    .map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url'));
  return fc.oneof(
    {
      weight: pools.cursors.length > 0 ? 3 : 0,
      arbitrary: fc.constantFrom(...(pools.cursors.length > 0 ? pools.cursors : [''])),
    },
    { weight: 4, arbitrary: encoded },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: hostileValue({ jsonOnly }) },
  );
}

const limit = fc.oneof(
  fc.integer({ min: -5, max: 200 }),
  fc.constantFrom(0, 1, 100, 101, 1e9, -0, 0.5, Number.NaN, Infinity),
  hostileString,
);

/** An input object built from per-field choices, sometimes with a hostile extra key or not an object at all. */
function objectInput(fields: Record<string, fc.Arbitrary<unknown>>, jsonOnly: boolean): fc.Arbitrary<unknown> {
  const body = fc.record(fields, { requiredKeys: [] });
  return fc.oneof(
    { weight: 8, arbitrary: body as fc.Arbitrary<Record<string, unknown>> },
    {
      weight: 1,
      arbitrary: mutated(
        body as fc.Arbitrary<Record<string, unknown>>,
        hostileKey.map((k) => [k]),
        hostileValue({ jsonOnly }),
      ),
    },
    { weight: 1, arbitrary: hostileValue({ jsonOnly }) },
  );
}

/** Search boxes: qualifiers with hostile values, quotes, negation, and queries past the length limit. */
const searchTerm = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'actor:',
        'action:',
        'target:',
        'category:',
        'workspace:',
        'after:',
        'before:',
        'nope:',
        '-actor:',
        '',
      ),
      fc.oneof(
        hostileString,
        fc.constantFrom('$where', '.*', '"quoted', '""', '*', 'ws_', 'lock.created', '2026-01-01', '-'),
      ),
    )
    .map(([q, v]) => `${q}${v}`),
  hostileString,
);
const searchQuery = fc.oneof(
  { weight: 6, arbitrary: fc.array(searchTerm, { maxLength: 30 }).map((t) => t.join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom(511, 512, 513, 100_000).map((n) => 'a '.repeat(n).slice(0, n)) },
);
const instant = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  hostileString,
);

export function listInput(pools: IdPools, jsonOnly: boolean): fc.Arbitrary<unknown> {
  return objectInput(
    {
      workspaceId: pick(pools.workspaceIds, 'ws', jsonOnly),
      scope: fc.oneof(fc.constantFrom('workspace', 'organization'), hostileString),
      q: fc.oneof({ weight: 4, arbitrary: searchQuery }, { weight: 1, arbitrary: hostileValue({ jsonOnly }) }),
      categories: fc.oneof(
        fc.array(fc.constantFrom('lock', 'workspace', 'billing', 'nope', '$gt'), { maxLength: 15 }),
        hostileValue({ jsonOnly }),
      ),
      from: instant,
      to: instant,
      limit,
      cursor: cursorInput(pools, jsonOnly),
    },
    jsonOnly,
  );
}

export function getInput(pools: IdPools, jsonOnly: boolean): fc.Arbitrary<unknown> {
  return objectInput(
    { workspaceId: pick(pools.workspaceIds, 'ws', jsonOnly), id: pick(pools.eventIds, 'aud', jsonOnly) },
    jsonOnly,
  );
}

const plan = fc.oneof(fc.constantFrom('free', 'team', 'enterprise', 'Enterprise', 'enterprise ', '$gt'), hostileString);
const scopes = fc.oneof(
  fc.array(fc.constantFrom('events:write', 'events:read', 'webhooks:manage'), { maxLength: 4 }),
  fc.array(fc.oneof(hostileString, operatorObject), { maxLength: 4 }),
);
const legalName = fc.string({ minLength: 1, maxLength: 40 });

/** Inputs for every admin procedure, keyed by its tRPC path. */
export function adminInputs(pools: IdPools, jsonOnly: boolean): Record<string, fc.Arbitrary<unknown>> {
  const org = pick(pools.organizationIds, 'org', jsonOnly);
  const ws = pick(pools.workspaceIds, 'ws', jsonOnly);
  const name = fc.oneof(legalName, hostileString, hostileValue({ jsonOnly }));
  return {
    'admin.organizations.create': objectInput({ name }, jsonOnly),
    'admin.workspaces.create': objectInput({ organizationId: org, name, plan }, jsonOnly),
    'admin.workspaces.setPlan': objectInput({ workspaceId: ws, plan }, jsonOnly),
    'admin.apiKeys.create': fc.oneof(
      objectInput({ workspaceId: ws, scopes }, jsonOnly),
      objectInput({ organizationId: org, scopes }, jsonOnly),
    ),
    'admin.apiKeys.revoke': objectInput({ id: pick(pools.apiKeyIds, 'key', jsonOnly) }, jsonOnly),
    'admin.retention.run': objectInput({ id: pick(pools.retentionRunIds, 'ret', jsonOnly) }, jsonOnly),
    'admin.retention.runNow': fc.oneof(
      fc.constant(undefined),
      objectInput(
        {
          asOf: fc.oneof(
            fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
            hostileString,
          ),
        },
        jsonOnly,
      ),
    ),
  };
}
