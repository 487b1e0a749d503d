import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.ts';

export interface WorkerHttpOptions {
  port: number;
  /** All interfaces by default, so a Prometheus in another container can scrape it. */
  host?: string;
  registry: Registry;
  readiness: () => Promise<Readiness>;
}

export interface WorkerHttp {
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * The worker's only HTTP surface: `/metrics` for Prometheus, `/healthz` (the process answers)
 * and `/readyz` (it polls its task queue and reaches Temporal and the database) for probes.
 */
export async function startWorkerHttp(o: WorkerHttpOptions): Promise<WorkerHttp> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    const answer = async () => {
      if (path === '/metrics') return send(res, 200, o.registry.contentType, await o.registry.metrics());
      if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      if (path === '/readyz') {
        const r = await o.readiness();
        return send(
          res,
          r.ready ? 200 : 503,
          'application/json',
          JSON.stringify({ status: r.ready ? 'ready' : 'not ready', checks: r.checks }),
        );
      }
      send(res, 404, 'text/plain', 'not found\n');
    };
    answer().catch((err: unknown) =>
      send(res, 500, 'text/plain', `${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
