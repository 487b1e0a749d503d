import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { isDatabaseUnavailable } from '@audit/store';
import { authenticate, type Principal } from '../auth/authenticate.ts';
import type { ApiDeps, Logger } from '../deps.ts';
import { databaseUnavailable } from '../errors.ts';
import { requestIdFrom } from '../observability/request-id.ts';

export interface RequestMeta {
  requestId: string;
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface Context {
  deps: ApiDeps;
  principal: Principal | null;
  request: RequestMeta;
  /** Bound to the request id: lines a procedure logs join the request's own line. */
  log: Logger;
}

export async function createContextFromRequest(deps: ApiDeps, req: Request): Promise<Context> {
  // Authentication reads the database before any middleware can translate an outage.
  const principal = await authenticate(
    deps.store,
    deps.config.ADMIN_TOKEN,
    req.headers.authorization,
    deps.clock(),
  ).catch((err: unknown) => {
    throw isDatabaseUnavailable(err) ? databaseUnavailable(err) : err;
  });
  // The id the request logger settled on (and sent back in `x-request-id`); the header's own check without it.
  const requestId = typeof req.id === 'string' ? req.id : requestIdFrom(req.headers['x-request-id']);
  const log = (req.log as Logger | undefined) ?? deps.log.child({ requestId });
  return {
    deps,
    principal,
    request: { requestId, ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 512) },
    log,
  };
}

/** For `createCaller` in tests and scripts: the same context, with a principal already known. */
export function createContext(deps: ApiDeps, principal: Principal | null): Context {
  const requestId = randomUUID();
  return {
    deps,
    principal,
    request: { requestId, ip: undefined, userAgent: undefined },
    log: deps.log.child({ requestId }),
  };
}
