import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { isDatabaseUnavailable } from '@audit/store';
import { authenticate, type Principal } from '../auth/authenticate.ts';
import type { ApiDeps } from '../deps.ts';
import { databaseUnavailable } from '../errors.ts';

export interface RequestMeta {
  requestId: string;
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface Context {
  deps: ApiDeps;
  principal: Principal | null;
  request: RequestMeta;
}

export async function createContextFromRequest(deps: ApiDeps, req: Request): Promise<Context> {
  // Authentication reads the database before any middleware can translate an outage.
  const principal = await authenticate(deps.store, deps.config.ADMIN_TOKEN, req.headers.authorization).catch((err: unknown) => {
    throw isDatabaseUnavailable(err) ? databaseUnavailable(err) : err;
  });
  const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 128) : randomUUID();
  return { deps, principal, request: { requestId, ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 512) } };
}

/** For `createCaller` in tests and scripts: the same context, with a principal already known. */
export function createContext(deps: ApiDeps, principal: Principal | null): Context {
  return { deps, principal, request: { requestId: randomUUID(), ip: undefined, userAgent: undefined } };
}
