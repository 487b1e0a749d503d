import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Response } from 'express';
import { isDatabaseUnavailable } from '@audit/store';
import type { Logger } from '../deps.ts';
import { databaseUnavailable } from '../errors.ts';
import { retryAfterOf } from '../rate-limit/rate-limiter.ts';
import { issuePath, validationIssues } from '../trpc/init.ts';

/** As `components.schemas.Error` in the document describes it. */
export interface RestErrorBody {
  message: string;
  code: string;
  data: { code: string; httpStatus: number; path?: string; issues?: { path: string; message: string }[] };
}

/** Anything thrown, as the TRPCError /trpc would answer with: an outage stays a 503. */
export function asTrpcError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (isDatabaseUnavailable(err)) return databaseUnavailable(err);
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error', cause: err });
}

/**
 * The tRPC error's message and data, with its code as text; invalid input keeps the message
 * naming each field and its limit, and the same list under `data.issues`, as over /trpc.
 */
export function restErrorBody(error: TRPCError, procedure: string | undefined): RestErrorBody {
  const httpStatus = getHTTPStatusCodeFromError(error);
  const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
  return {
    message: error.message,
    code: error.code,
    data: {
      code: error.code,
      httpStatus,
      ...(procedure ? { path: procedure } : {}),
      ...(issues ? { issues: issues.map((i) => ({ path: issuePath(i), message: i.message })) } : {}),
    },
  };
}

export function sendRestError(res: Response, err: unknown, procedure: string | undefined, log: Logger): void {
  const error = asTrpcError(err);
  if (error.code === 'INTERNAL_SERVER_ERROR')
    log.error({ path: procedure, error: error.message, cause: String(error.cause) }, 'procedure failed');
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== null) res.set('retry-after', String(retryAfter));
  const body = restErrorBody(error, procedure);
  res.status(body.data.httpStatus).json(body);
}
