import { TRPCError } from '@trpc/server';

/** Not found, never forbidden, for another tenant's things: existence must not leak. */
export function notFound(what: string, id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `${what} ${id} not found` });
}

/** Not the generic refusal: the caller has the whole key, so it may learn it expired and when. */
export function keyExpired(prefix: string, expiresAt: Date): TRPCError {
  return new TRPCError({
    code: 'UNAUTHORIZED',
    message: `this API key (${prefix}…) expired at ${expiresAt.toISOString()}; ask for a new one`,
  });
}

export function forbidden(message: string): TRPCError {
  return new TRPCError({ code: 'FORBIDDEN', message });
}

export function badRequest(message: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message });
}

/** A bad field: the message starts with the field's path, as the input validation errors do. */
export function invalidField(path: (string | number)[], message: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message: `${path.join('.')}: ${message}` });
}

/** The database is out of reach: retryable (503), never a 500 that could read as "maybe stored". */
export function databaseUnavailable(cause: unknown): TRPCError {
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'the database is unavailable; retry with the same idempotency key',
    cause,
  });
}
