import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { WorkflowClient } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { percentile } from './harness.ts';

/** How the receiver reads a body: the payload formats a stream sends, or the plain POST baseline (one event, id in `x-bench-id`). */
export type SinkFormat = 'cloudevents' | 'datadog' | 'splunk-hec' | 'plain';

export interface ReceivedRequest {
  /** performance.now() once the whole body is in. */
  at: number;
  bytes: number;
  /** Audit events the body carried (0 when it could not be read). */
  events: number;
  /** The batch's `webhook-id` (`dlv_…`), or the plain POST's `x-bench-id`. */
  deliveryId: string;
}

/** One destination's view of what reached it, counted per audit event id from the parsed bodies. */
export interface Sink {
  tag: string;
  format: SinkFormat;
  url: string;
  /** First arrival per audit event id (performance.now()). */
  arrivals: Map<string, number>;
  /** Arrivals of an event id already seen (a retried batch, a batch sent twice). */
  duplicates: number;
  /** Requests whose webhook-id was seen before on this sink. */
  repeatedDeliveryIds: number;
  requests: ReceivedRequest[];
  /** Bodies that did not parse as the format says, with the reason (first few). */
  errors: string[];
}

export interface BenchReceiver {
  /** A destination URL of its own (`/hook/<format>/<tag>`), counted apart from the others. */
  sink(tag: string, format: SinkFormat): Sink;
  /** Resolves once every id has arrived at the sink, or after `timeoutMs`: how many are missing. */
  waitAll(sink: Sink, ids: string[], timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Audit event ids in one body, read as a receiver of that format would. */
export function eventIdsIn(
  format: SinkFormat,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): string[] {
  if (format === 'plain') return [String(headers['x-bench-id'] ?? '')];
  if (format === 'splunk-hec') {
    return body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => String((JSON.parse(line) as { event: { id: string } }).event.id));
  }
  const parsed = JSON.parse(body) as unknown;
  const entries = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
  if (format === 'datadog') return entries.map((e) => String(e['event_id']));
  return entries.map((e) => String(e['id'])); // CloudEvents batch: each entry's id is the audit event id
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const sinks = new Map<string, Sink>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      res.writeHead(204).end();
      const sink = sinks.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (!sink) return;
      let raw = Buffer.concat(chunks);
      const deliveryId = String(req.headers['webhook-id'] ?? req.headers['x-bench-id'] ?? '');
      let ids: string[] = [];
      try {
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        ids = eventIdsIn(sink.format, req.headers, raw.toString('utf8'));
      } catch (err) {
        if (sink.errors.length < 5) sink.errors.push(`${deliveryId}: ${(err as Error).message}`);
      }
      if (sink.requests.some((r) => r.deliveryId === deliveryId)) sink.repeatedDeliveryIds++;
      sink.requests.push({ at, bytes: chunks.reduce((n, c) => n + c.length, 0), events: ids.length, deliveryId });
      for (const id of ids) {
        if (sink.arrivals.has(id)) sink.duplicates++;
        else sink.arrivals.set(id, at);
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    sink(tag, format) {
      const path = `/hook/${format}/${tag}`;
      const sink: Sink = {
        tag,
        format,
        url: `http://127.0.0.1:${port}${path}`,
        arrivals: new Map(),
        duplicates: 0,
        repeatedDeliveryIds: 0,
        requests: [],
        errors: [],
      };
      sinks.set(path, sink);
      return sink;
    },
    async waitAll(sink, ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = ids.filter((id) => !sink.arrivals.has(id)).length;
        if (missing === 0 || Date.now() > deadline) return missing;
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

type HistoryEvent = Record<string, any> & { eventTime?: { seconds?: unknown; nanos?: number | null } | null };

const ms = (t: HistoryEvent['eventTime']): number => {
  const s = t?.seconds as { toNumber?: () => number } | number | string | undefined | null;
  const seconds = s == null ? 0 : typeof s === 'object' && s.toNumber ? s.toNumber() : Number(s);
  return seconds * 1000 + (t?.nanos ?? 0) / 1e6;
};

export interface HistorySummary {
  /** Runs found by following continue-as-new back from the current one. */
  runs: number;
  /** Runs the visibility store lists for the workflow id, and the sum of their historyLength (may lag for a running run). */
  listedRuns: number;
  listedHistoryLength: number;
  /** Every history event of every run. */
  events: number;
  byKind: Record<string, number>;
  /** streamStep activities, and those that sent a batch (the result's `sent` > 0). */
  steps: number;
  sendingSteps: number;
  /** Per sending step, ms: activity scheduled → started (queueing), started → completed (the step itself). */
  queueMs: Stats;
  stepMs: Stats;
  /** ms from a step that answered `continue` to the next step's scheduling: the workflow task between two steps. */
  gapMs: Stats;
  /** Steps by what they answered next (continue, wait, idle, retry, stop). */
  byNext: Record<string, number>;
  /** p50 of started → completed over the first and the last quarter of the sending steps: does a step slow as the log grows? */
  stepMsFirstQuarter: number;
  stepMsLastQuarter: number;
  /** Sum of started → completed over the sending steps, ms. */
  sendingStepTotalMs: number;
}

/** Every run's history of one workflow id (continue-as-new followed back), summed and timed. */
export async function summarizeHistory(client: WorkflowClient, workflowId: string): Promise<HistorySummary> {
  const events: HistoryEvent[] = [];
  let runs = 0;
  let runId: string | undefined;
  for (;;) {
    const history = await client.getHandle(workflowId, runId).fetchHistory();
    const these = (history.events ?? []) as HistoryEvent[];
    events.unshift(...these);
    runs++;
    const previous = these[0]?.['workflowExecutionStartedEventAttributes']?.continuedExecutionRunId as
      string | undefined;
    if (!previous) break;
    runId = previous;
  }
  let listedRuns = 0;
  let listedHistoryLength = 0;
  for await (const info of client.list({ query: `WorkflowId = "${workflowId}"` })) {
    listedRuns++;
    listedHistoryLength += info.historyLength;
  }
  const byKind: Record<string, number> = {};
  const scheduled = new Map<string, number>();
  const started = new Map<string, number>();
  const queue: number[] = [];
  const step: number[] = [];
  const gap: number[] = [];
  let steps = 0;
  let sendingSteps = 0;
  let lastCompleted: number | null = null;
  let lastNext: string | null = null;
  const byNext: Record<string, number> = {};
  let sendingStepTotalMs = 0;
  for (const e of events) {
    const kind = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k]) ?? 'unknown';
    const name = kind.replace(/EventAttributes$/, '');
    byKind[name] = (byKind[name] ?? 0) + 1;
    const id = String(e['eventId']);
    if (name === 'activityTaskScheduled') {
      steps++;
      scheduled.set(id, ms(e.eventTime));
      if (lastCompleted !== null && lastNext === 'continue') gap.push(ms(e.eventTime) - lastCompleted);
    } else if (name === 'activityTaskStarted') {
      started.set(String(e[kind].scheduledEventId), ms(e.eventTime));
    } else if (name === 'activityTaskCompleted') {
      const a = e[kind];
      const sid = String(a.scheduledEventId);
      const payload = a.result?.payloads?.[0];
      const result = payload
        ? (defaultPayloadConverter.fromPayload(payload) as { sent?: number; next?: string })
        : null;
      lastCompleted = ms(e.eventTime);
      lastNext = result?.next ?? null;
      byNext[lastNext ?? 'unknown'] = (byNext[lastNext ?? 'unknown'] ?? 0) + 1;
      if ((result?.sent ?? 0) > 0) {
        sendingSteps++;
        const s = started.get(sid) ?? lastCompleted;
        queue.push(s - (scheduled.get(sid) ?? s));
        step.push(lastCompleted - s);
        sendingStepTotalMs += lastCompleted - s;
      }
    }
  }
  return {
    runs,
    listedRuns,
    listedHistoryLength,
    events: events.length,
    byKind,
    steps,
    sendingSteps,
    queueMs: stats(queue),
    stepMs: stats(step),
    stepMsFirstQuarter: stats(step.slice(0, Math.ceil(step.length / 4))).p50,
    stepMsLastQuarter: stats(step.slice(-Math.ceil(step.length / 4))).p50,
    gapMs: stats(gap),
    byNext,
    sendingStepTotalMs,
  };
}
