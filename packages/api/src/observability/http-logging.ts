import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { httpSerializers, type Logger } from '@audit/observability';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';

/** Probes and scrapes, every few seconds each: at debug, so they do not bury the requests. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One line per request, and `req.log`: a child of the process logger bound to the request id,
 * which the tRPC context hands to procedures. The id is the caller's `x-request-id` when it is
 * well-formed, else a new one, and goes back in the response's `x-request-id`.
 */
export function httpLogging(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // Lines logged during the request carry only `requestId`; the summary line adds req and res.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    // The same allowlist as the process logger's `headers` serializer: no credential in a request line.
    serializers: httpSerializers,
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      return PROBES.has((req.url ?? '').split('?')[0]!) ? 'debug' : 'info';
    },
  }) as RequestHandler;
}
