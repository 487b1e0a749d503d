import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  /** Null when the body matches the document's schema for this status; otherwise ajv's complaint. */
  schemaErrors: string | null;
}

/**
 * A REST client that knows nothing but a base URL and the OpenAPI document: each call names an
 * operationId, and the method, path, parameters and the schema of the answer come from the
 * document. Tests use it to show the document alone is enough to use the API.
 */
export function documentClient(baseUrl: string, doc: Json, apiKey: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');

  const operations = new Map<string, { method: string; path: string; op: Json }>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json))
      operations.set(op.operationId, { method: method.toUpperCase(), path, op });
  }

  const schemaFor = (op: Json, status: number) => {
    const schema = op.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return null;
    // `#/components/...` points into the document: resolve it against the schema added above.
    const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
    return ajv.compile(rebased);
  };

  return {
    operations,
    async call(operationId: string, input: Record<string, unknown> = {}): Promise<Answer> {
      const found = operations.get(operationId);
      if (!found) throw new Error(`the document has no operation ${operationId}`);
      const { method, path, op } = found;
      const rest = { ...input };
      const query = new URLSearchParams();
      let url = path;
      for (const p of (op.parameters ?? []) as Json[]) {
        const value = rest[p.name];
        delete rest[p.name];
        if (value === undefined) continue;
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
        else if (p.in === 'query')
          for (const v of Array.isArray(value) ? value : [value]) query.append(p.name, String(v));
      }
      const qs = query.size > 0 ? `?${query}` : '';
      const withBody = op.requestBody !== undefined;
      const res = await fetch(`${baseUrl}${url}${qs}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(withBody ? { 'content-type': 'application/json' } : {}) },
        body: withBody ? JSON.stringify(rest) : undefined,
      });
      const body = await res.json();
      const validate = schemaFor(op, res.status);
      const schemaErrors = !validate
        ? `no schema for status ${res.status}`
        : validate(body)
          ? null
          : ajv.errorsText(validate.errors);
      return { status: res.status, headers: res.headers, body, schemaErrors };
    },
  };
}
