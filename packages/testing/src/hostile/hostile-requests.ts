import fc from 'fast-check';
import { hostileString, hostileValue } from './hostile-arbitraries.ts';
import { adminInputs, batchInput, eventInput, getInput, listInput, type IdPools } from './hostile-inputs.ts';

/** One HTTP request as a hostile client might send it; `token` names a credential the test resolves. */
export interface HostileRequest {
  method: string;
  path: string;
  contentType: string | null;
  token: string;
  body?: string | Uint8Array;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'garbage/;;;',
  '',
];
/** Credentials by name; the test maps them to real keys, the admin token, or junk. */
export const TOKENS = ['tenantA', 'tenantB', 'admin', 'none', 'junk', 'revokedShape', 'huge'] as const;

const token = fc.constantFrom(...TOKENS);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const UNKNOWN_PATHS = [
  '__proto__',
  'constructor',
  'events.__proto__',
  'events.constructor',
  'events',
  '',
  'events.record/../admin',
  '%00',
  'a'.repeat(3000),
  'events.list,__proto__',
];
const encode = (v: unknown) => JSON.stringify(v) ?? 'null';

/** JSON text a parser should refuse or choke on: truncation, lone-surrogate escapes, NaN, BOMs. */
const brokenJson = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    '{',
    '{"a":',
    '[',
    'NaN',
    'undefined',
    '\ufeff{}',
    '{"a":1}{"b":2}',
    '{"a":1,}',
    "{'a':1}",
    '{"__proto__":{"polluted":"yes"}}',
    '{"category":"lock","action":"created","actor":{"type":"user","id":"\\ud800"}}',
    '{"category":"lock","action":"created","actor":{"type":"user","id":"u"},"metadata":{"\\u0000":1}}',
    '{"category":"lock","action":"created","actor":{"type":"user","id":"u"},"metadata":{"__proto__":{"polluted":"yes"}}}',
    '{"json":{"category":"lock"}}',
    '{"0":{"json":null}}',
    '1e999999',
    '"\\u0000"',
  ),
  hostileValue({ jsonOnly: true }).map((v) => encode(v).slice(0, -1)),
);

function mutationBody(path: string, pools: IdPools): fc.Arbitrary<string> {
  if (path === 'events.record') return eventInput(pools, true).map(encode);
  if (path === 'events.recordBatch') return batchInput(pools, true).map(encode);
  return adminInputs(pools, true)[path]!.map(encode);
}

export function hostileRequest(pools: IdPools): fc.Arbitrary<HostileRequest> {
  const mutationPaths = ['events.record', 'events.recordBatch', ...Object.keys(adminInputs(pools, true))];
  const jsonMutation = fc
    .constantFrom(...mutationPaths)
    .chain((p) =>
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant(`/trpc/${p}`),
        contentType,
        token,
        body: mutationBody(p, pools),
      }),
    );
  const queries: Record<string, fc.Arbitrary<unknown>> = {
    'events.list': listInput(pools, true),
    'events.get': getInput(pools, true),
    'retention.status': hostileValue({ jsonOnly: true }),
  };
  const query = fc
    .constantFrom(...Object.keys(queries))
    .chain((p) =>
      fc.record({
        method: fc.constant('GET'),
        path: queries[p]!.map((i) => `/trpc/${p}?input=${encodeURIComponent(encode(i))}`),
        contentType: fc.constant(null),
        token,
      }),
    );
  const batch = fc
    .array(fc.constantFrom('events.list', 'events.get', 'retention.status'), { minLength: 1, maxLength: 20 })
    .chain((paths) =>
      fc.record({
        method: fc.constant('GET'),
        path: fc
          .array(hostileValue({ jsonOnly: true }), { minLength: paths.length, maxLength: paths.length })
          .map(
            (inputs) =>
              `/trpc/${paths.join(',')}?batch=1&input=${encodeURIComponent(encode(Object.fromEntries(inputs.map((v, i) => [i, v]))))}`,
          ),
        contentType: fc.constant(null),
        token,
      }),
    );
  const raw = fc.record({
    method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
    path: fc
      .oneof(
        fc.constantFrom(...mutationPaths, 'events.list', 'events.recordBatch?batch=1'),
        fc.constantFrom(...UNKNOWN_PATHS),
      )
      .map((p) => `/trpc/${p}`),
    contentType,
    token,
    body: fc.oneof(brokenJson, fc.uint8Array({ maxLength: 300 })),
  });
  const exportCall = fc.record({
    method: fc.constant('GET'),
    path: fc
      .record(
        {
          q: hostileString,
          format: fc.oneof(fc.constantFrom('csv', 'json', 'ndjson', 'xml'), hostileString),
          categories: hostileString,
          from: hostileString,
          scope: hostileString,
        },
        { requiredKeys: [] },
      )
      .map((q) => `/export?${new URLSearchParams(q as Record<string, string>)}`),
    contentType: fc.constant(null),
    token,
  });
  return fc.oneof(
    { weight: 5, arbitrary: jsonMutation },
    { weight: 4, arbitrary: query },
    { weight: 1, arbitrary: batch },
    { weight: 3, arbitrary: raw },
    { weight: 1, arbitrary: exportCall },
  ) as fc.Arbitrary<HostileRequest>;
}
