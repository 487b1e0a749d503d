import type { OpenApiMeta } from 'trpc-to-openapi';

export const REST_PREFIX = '/api/v1';

/** What every customer-facing route may answer besides 200; the bodies are described in openapi-document.ts. */
export const ERROR_STATUSES = {
  400: 'Invalid input: `message` names each field and its limit, `data.issues` lists them',
  401: 'No valid API key (Authorization: Bearer atk_…), or it expired',
  403: 'The key lacks the scope, or the workspace the plan feature',
  404: 'Not found (also for another tenant’s ids)',
  429: 'Over a rate limit: `message` names it, `Retry-After` says when to come back',
  503: 'The database or Temporal is out of reach: retry, with the same idempotency key',
} as const;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * A procedure's REST route under /api/v1, for the OpenAPI document and the REST adapter. The
 * procedure itself is unchanged: /trpc calls it as before.
 */
export function restRoute(method: Method, path: string, summary: string, description?: string): OpenApiMeta {
  const tag = path.split('/')[1]!;
  return {
    openapi: {
      method,
      path: `${REST_PREFIX}${path}`,
      summary,
      ...(description ? { description } : {}),
      tags: [tag],
      protect: true,
      errorResponses: { ...ERROR_STATUSES },
    },
  };
}
