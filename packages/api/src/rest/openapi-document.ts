import { generateOpenApiDocument } from 'trpc-to-openapi';
import { appRouter } from '../router.ts';
import { ERROR_STATUSES } from './openapi-meta.ts';

type Json = Record<string, any>;

/** The body of every error over REST: the tRPC error's message and data, with the code as text. */
const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['message', 'code', 'data'],
  properties: {
    message: {
      type: 'string',
      description:
        'What went wrong; for invalid input each field with its limit, e.g. `metadata.a: must be at most 128 characters`.',
    },
    code: { type: 'string', description: 'The tRPC error code, e.g. BAD_REQUEST, TOO_MANY_REQUESTS.' },
    data: {
      type: 'object',
      required: ['code', 'httpStatus'],
      properties: {
        code: { type: 'string' },
        httpStatus: { type: 'integer' },
        path: { type: 'string', description: 'The procedure, e.g. events.record.' },
        issues: {
          type: 'array',
          description: 'Invalid input only: one entry per problem.',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
  example: {
    message: 'actor.id: must not be empty',
    code: 'BAD_REQUEST',
    data: {
      code: 'BAD_REQUEST',
      httpStatus: 400,
      path: 'events.record',
      issues: [{ path: 'actor.id', message: 'must not be empty' }],
    },
  },
};

const RETRY_AFTER = {
  description: 'Seconds until the limit\u2019s window ends.',
  schema: { type: 'integer', minimum: 1 },
};

const cache = new Map<string, Json>();

/**
 * The OpenAPI 3.1 document of the REST routes, from the procedures' zod schemas and meta
 * (trpc-to-openapi). Its error responses are replaced by the one body this API sends
 * (rest-errors.ts), and 429 gets its `Retry-After` header.
 */
export function openApiDocument(baseUrl: string): Json {
  let doc = cache.get(baseUrl);
  if (doc) return doc;
  doc = generateOpenApiDocument(appRouter, {
    title: 'Audit log API',
    version: '1.0.0',
    description:
      'REST routes of the audit log. Every route takes an API key: `Authorization: Bearer atk_…`. The same procedures are served as tRPC at /trpc.',
    baseUrl,
    securitySchemes: {
      ApiKey: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'atk_…',
        description: 'An API key of the workspace (or organization).',
      },
    },
  }) as Json;
  doc.components ??= {};
  doc.components.schemas ??= {};
  for (const name of Object.keys(doc.components.schemas))
    if (name.startsWith('error.')) delete doc.components.schemas[name];
  doc.components.schemas.Error = ERROR_SCHEMA;
  for (const item of Object.values(doc.paths as Record<string, Json>)) {
    for (const op of Object.values(item)) {
      for (const [status, description] of Object.entries(ERROR_STATUSES)) {
        op.responses[status] = {
          description,
          ...(status === '429' ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
    }
  }
  cache.set(baseUrl, doc);
  return doc;
}
