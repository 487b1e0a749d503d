import type { OpenApiMeta } from 'trpc-to-openapi';
import { appRouter } from '../router.ts';

type QueryKind = 'string' | 'number' | 'boolean' | 'array';

/** One REST route: the procedure it calls, and how its query string maps onto the input. */
export interface RestOperation {
  procedure: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** As in the document, e.g. `/api/v1/events/{id}`. */
  path: string;
  /** As Express writes it, e.g. `/api/v1/events/:id`. */
  expressPath: string;
  takesBody: boolean;
  query: Map<string, QueryKind>;
}

type Json = Record<string, any>;

/** Every procedure with a REST route, with its query parameters' types read from the document. */
export function restOperations(doc: Json): RestOperation[] {
  const ops: RestOperation[] = [];
  for (const [procedure, proc] of Object.entries(appRouter._def.procedures)) {
    const openapi = ((proc as unknown as { _def: { meta?: OpenApiMeta } })._def.meta ?? {}).openapi;
    if (!openapi || openapi.enabled === false) continue;
    const method = openapi.method.toLowerCase() as RestOperation['method'];
    const described: Json = doc.paths[openapi.path][method];
    const query = new Map<string, QueryKind>();
    for (const p of (described.parameters ?? []) as Json[]) {
      if (p.in === 'query') query.set(p.name, kindOf(p.schema ?? {}));
    }
    ops.push({
      procedure,
      method,
      path: openapi.path,
      expressPath: openapi.path.replace(/\{(\w+)\}/g, ':$1'),
      takesBody: method === 'post' || method === 'patch',
      query,
    });
  }
  return ops;
}

function kindOf(schema: Json): QueryKind {
  const type = schema.type ?? schema.anyOf?.find((s: Json) => s.type !== 'null')?.type;
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'boolean' || type === 'array') return type;
  return 'string';
}

/**
 * A query string as the procedure's input: numbers and booleans from their text, lists from
 * repeated (`categories=a&categories=b`) or comma-separated values. Anything that does not
 * convert is passed as it came, for the input schema to refuse by name; so are unknown names.
 */
export function inputFromQuery(query: Record<string, unknown>, kinds: Map<string, QueryKind>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const kind = kinds.get(name);
    const values = Array.isArray(raw) ? raw : [raw];
    if (kind === 'array')
      input[name] = values.flatMap((v) => (typeof v === 'string' ? v.split(',').filter((s) => s !== '') : [v]));
    else if (values.length !== 1 || typeof raw !== 'string') input[name] = raw;
    else if (kind === 'number') input[name] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    else if (kind === 'boolean') input[name] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else input[name] = raw;
  }
  return input;
}
