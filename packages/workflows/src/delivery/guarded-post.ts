import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { classifyAddress, isIpLiteral } from '@audit/shared';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** DNS resolution, replaceable in tests to play a rebinding resolver. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Local development only: private and loopback addresses are allowed. */
  allowPrivate: boolean;
  /** Tests: nothing but loopback, whatever else is allowed. */
  loopbackOnly?: boolean;
  resolver?: Resolver;
}

export type PostResult =
  | { kind: 'response'; status: number; retryAfter: string | null; body: string; durationMs: number }
  | { kind: 'error'; error: string; refused: boolean; durationMs: number };

export class RefusedAddressError extends Error {}

/**
 * One POST, no redirects followed (Node's client never follows them), no connection reuse, and
 * every address checked twice: the resolver's answers are filtered before Node dials, and the
 * socket's peer is checked once connected, which also covers IP literals (Node skips the lookup
 * for those) and anything a future agent might do differently.
 */
export function guardedPost(req: PostRequest): Promise<PostResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const fail = (err: unknown) => {
      const refused = err instanceof RefusedAddressError;
      finish({ kind: 'error', error: describe(err), refused, durationMs: elapsed() });
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail(new Error('the destination URL is not valid'));
    }
    const refusal = refusalFor(req);
    if (isIpLiteral(url.hostname)) {
      const why = refusal(url.hostname.replace(/^\[|\]$/g, ''));
      if (why) return fail(new RefusedAddressError(`refused to connect to ${url.hostname}: ${why}`));
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    const client = send(url, {
      method: 'POST',
      agent: false,
      headers: { ...req.headers, 'content-length': String(body.length) },
      lookup: guardedLookup(req.resolver ?? systemResolver, refusal),
    });
    timer = setTimeout(() => client.destroy(new Error(`timed out after ${req.timeoutMs} ms`)), req.timeoutMs);
    client.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        const peer = socket.remoteAddress ?? '';
        const why = refusal(peer);
        if (why) client.destroy(new RefusedAddressError(`refused to connect to ${peer}: ${why}`));
      });
    });
    client.on('error', fail);
    client.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null,
          body: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)),
          durationMs: elapsed(),
        });
      res.on('data', (chunk: Buffer) => {
        if (kept >= req.maxBodyBytes) return;
        const part = chunk.subarray(0, req.maxBodyBytes - kept);
        chunks.push(part);
        kept += part.length;
        // The rest of a large answer is not worth reading: the status is what counts.
        if (kept >= req.maxBodyBytes) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', done);
    });
    client.end(body);
  });
}

type Refusal = (address: string) => string | null;

/** Why an address may not be dialled under this request's policy, or null when it may. */
function refusalFor(req: PostRequest): Refusal {
  if (req.loopbackOnly) {
    return (address) =>
      classifyAddress(address) === 'loopback' ? null : `${address} is not a loopback address (loopback-only mode)`;
  }
  if (req.allowPrivate) return () => null;
  return (address) => {
    const cls = classifyAddress(address);
    return cls ? `${address} is a ${cls} address` : null;
  };
}

function guardedLookup(resolve: Resolver, refusal: Refusal): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const allowed = addresses.filter((a) => refusal(a.address) === null);
        if (allowed.length === 0) {
          const first = addresses[0];
          const why = first ? refusal(first.address) : 'no address';
          callback(new RefusedAddressError(`refused to connect to ${hostname}: ${why}`), '', 0);
          return;
        }
        if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}
