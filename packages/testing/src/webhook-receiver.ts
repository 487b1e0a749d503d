import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The exact bytes received: signatures are checked over these (gzip included). */
  raw: Buffer;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Decides the answer to the n-th request (0-based); 204 when none is set. */
export type Responder = (req: ReceivedRequest, n: number) => Reply | Promise<Reply>;

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  respond(fn: Responder): void;
  /** Resolves with the matching requests once there are `count` of them. */
  waitFor(count: number, match?: (r: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

function flatten(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
}

/**
 * A real HTTP server in the test process, standing in for a customer's SIEM. A fixed `port` lets a
 * drill bring a receiver back at the address its destination already points to.
 */
export async function startReceiver(
  responder: Responder = () => ({ status: 204 }),
  opts: { port?: number } = {},
): Promise<Receiver> {
  let current = responder;
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const received: ReceivedRequest = {
        path: req.url ?? '/',
        headers: flatten(req.headers),
        body: raw.toString('utf8'),
        raw,
        at: Date.now(),
      };
      const n = requests.push(received) - 1;
      const reply = await current(received, n);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    respond(fn) {
      current = fn;
    },
    async waitFor(count, match = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = requests.filter(match);
        if (found.length >= count) return found;
        if (Date.now() > deadline)
          throw new Error(
            `receiver got ${found.length} matching requests of ${count} expected within ${timeoutMs} ms (${requests.length} in all)`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls until `check` returns a value that is not undefined/null/false. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
