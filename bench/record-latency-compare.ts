import type { Collection } from 'mongodb';
import type { EventDoc } from '@audit/store';
import { sampleDoc, sampleEvent } from './bench-events.ts';
import { lanes } from './harness.ts';

export interface LatencySample {
  /** Milliseconds per call, ascending. */
  sorted: number[];
  perSecond: number;
}

/** Latencies of `total` calls on `concurrency` lanes, sorted, and the throughput they made. */
export async function measureCalls(concurrency: number, total: number, call: (i: number) => Promise<void>) {
  const times: number[] = [];
  const wallMs = await lanes(concurrency, total, async (i) => {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  });
  const sample: LatencySample = { sorted: times.sort((a, b) => a - b), perSecond: total / (wallMs / 1000) };
  return sample;
}

export interface LatencyRun {
  apiUrl: string;
  key: string;
  raw: Collection<EventDoc>;
  rawWorkspace: { workspaceId: string; organizationId: string };
  run: string;
}

/**
 * events.record over HTTP (key `key`) and the raw driver's insertOne of the same document into
 * `raw` (workspace `rawWorkspace`), measured one after the other at a concurrency, each after a
 * warm-up of its own. Every call records a new event: the numbering carries on across calls.
 */
export function recordLatencyPaths(o: LatencyRun) {
  let offset = 0;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${o.key}` };
  const record = async (i: number) => {
    const body = JSON.stringify(sampleEvent(offset + i, o.run));
    const res = await fetch(`${o.apiUrl}/trpc/events.record`, { method: 'POST', headers, body });
    if (res.status !== 200) {
      throw new Error(`events.record answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    await res.arrayBuffer();
  };
  const insert = async (i: number) => {
    await o.raw.insertOne(sampleDoc(offset + i, o.run, o.rawWorkspace, offset + i + 1, new Date()));
  };
  return {
    async compare(concurrency: number, requests: number, warmup: number) {
      const results: LatencySample[] = [];
      for (const call of [record, insert]) {
        await measureCalls(concurrency, warmup, call);
        offset += warmup;
        results.push(await measureCalls(concurrency, requests, call));
        offset += requests;
      }
      return { ours: results[0]!, base: results[1]! } satisfies Record<'ours' | 'base', LatencySample>;
    },
  };
}
