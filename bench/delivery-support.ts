import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile } from './harness.ts';

/** Arrival times (performance.now) by request id: the webhook-id, or x-bench-id for plain POSTs. */
export interface BenchReceiver {
  url: string;
  arrivals: Map<string, number>;
  /** Resolves once every id has arrived; fails after `timeoutMs`, naming how many are missing. */
  waitAll(ids: string[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? req.headers['x-bench-id'] ?? '');
    // Timed on the headers: the body's size is the same on every path measured.
    if (id && !arrivals.has(id)) arrivals.set(id, performance.now());
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    async waitAll(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = ids.filter((id) => !arrivals.has(id)).length;
        if (missing === 0) return;
        if (Date.now() > deadline) throw new Error(`${missing} of ${ids.length} never reached the receiver within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Open loop at `rate` per second for `seconds`: each call starts on the clock whatever the
 * others are doing, so a slow one does not hide the queueing it causes. Returns what they return.
 */
export async function paced<T>(rate: number, seconds: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const running: Promise<T>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(call(i));
  }
  return Promise.all(running);
}

export interface Stats {
  p50: number;
  p99: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}
