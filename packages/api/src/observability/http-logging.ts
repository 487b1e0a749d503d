import type { RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { httpSerializers, type Logger } from '@audit/observability';
import { isRepeatRefusal } from '../rate-limit/refusal-log.ts';
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
      // Refusals are sampled, not dropped: a security product must still show that they happened.
      // The refusal that finds a window full (in each API process) is logged at info like any
      // request; the repeats the limiter answers from memory (rate-limit/http-rate-limit.ts),
      // hundreds a second from a tenant hammering at its limit, go at debug (LOG_LEVEL=debug shows
      // every one) and are all counted in audit_rate_limited_total.
      if (isRepeatRefusal(res as Response)) return 'debug';
      return PROBES.has((req.url ?? '').split('?')[0]!) ? 'debug' : 'info';
    },
  }) as RequestHandler;
}
