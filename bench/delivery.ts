/**
 * Delivery on destination streams (one ordered, batched `destinationStream` workflow per
 * destination), each figure beside its baseline from the same run on the same servers:
 *   1. saturation, one destination, batchSize 100, CloudEvents: events delivered per second, from
 *      the first events.recordBatch call to the last event's arrival, vs a no-op Temporal
 *      workflow's rate (start → complete) and a plain POST loop (one event per POST);
 *   2. the same with batchSize 1;  3. the same (batchSize 100) for datadog and splunk-hec;
 *   4. a steady rate of single events.record calls: record returned → receiver got the event,
 *      p50 / p99, vs a plain POST and a no-op workflow at the same rate;
 *   5. Temporal history events per delivered event (the phase-1 destination's stream, every run);
 *   6. events.record latency (concurrency 1) on a workspace with three enabled destinations vs none.
 * The receiver counts arrivals per audit event id from each parsed body (per format), not per
 * request, and counts duplicates. The API and the worker run in this process, as one deployment
 * of each would.
 *   npx tsx bench/delivery.ts [--quick] [--saturation=10000] [--saturation-one=500] [--saturation-formats=10000]
 *                             [--rate=50] [--seconds=30] [--noop=1000] [--records=300] [--lanes=4] [--concurrency=16]
 * --quick sets small sizes (a couple of minutes); a flag given explicitly wins over it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createApp, createTemporal, silentLogger, type ApiDeps } from '@audit/api';
import { parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { createAuditWorker } from '@audit/worker';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mutate, PROCESS_ADMIN_TOKEN } from '@audit/testing/drills';
import { sampleEvent } from './bench-events.ts';
import {
  paced,
  startBenchReceiver,
  stats,
  summarizeHistory,
  type HistorySummary,
  type Sink,
  type SinkFormat,
  type Stats,
} from './delivery-support.ts';
import { arg, fmt, header, lanes, openBench, table } from './harness.ts';

const QUICK = process.argv.includes('--quick');
const SATURATION = arg('saturation', QUICK ? 1_000 : 10_000);
const SATURATION_ONE = arg('saturation-one', QUICK ? 100 : 500);
const SATURATION_FORMATS = arg('saturation-formats', QUICK ? 1_000 : SATURATION);
const RATE = arg('rate', 50);
const SECONDS = arg('seconds', QUICK ? 10 : 30);
const NOOP = arg('noop', QUICK ? 200 : 1_000);
const RECORDS = arg('records', QUICK ? 100 : 300);
const LANES = arg('lanes', 4);
const CONCURRENCY = arg('concurrency', 16);
const BATCH = 500; // events per recordBatch call (the API's limit)
const DRAIN_MS = QUICK ? 120_000 : 600_000;
const OLD_DESIGN_RATE = 21; // events/s, the per-(event, destination) workflow design at saturation
const run = randomBytes(4).toString('hex');

header('delivery: destination streams (batched) vs a no-op Temporal workflow vs a plain POST', {
  quick: QUICK,
  saturation: SATURATION,
  'saturation-one': SATURATION_ONE,
  'saturation-formats': SATURATION_FORMATS,
  rate: RATE,
  seconds: SECONDS,
  noop: NOOP,
  records: RECORDS,
  lanes: LANES,
  concurrency: CONCURRENCY,
  WEBHOOK_LINGER_MS: process.env.WEBHOOK_LINGER_MS ?? '500 (default)',
});
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `load average at start (1/5/15 min): ${load()} — other test runs may share this machine; the API, the worker, the receiver and the baselines share this process`,
);
Runtime.install({ logger: new DefaultLogger('WARN') });
const b = await openBench({ temporal: true });
const rx = await startBenchReceiver();
const closers: (() => Promise<unknown>)[] = [];
const benchStarted = performance.now();
try {
  const config = parseConfig({
    MONGODB_URI: b.ferret.address,
    MONGODB_DB: 'delivery_bench',
    TEMPORAL_ADDRESS: b.temporal!.address,
    TEMPORAL_TASK_QUEUE: 'bench-delivery',
    ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_LOOPBACK_ONLY: 'true',
    WEBHOOK_RETRY_SCHEDULE: '0,1s,5s',
    ...(process.env.WEBHOOK_LINGER_MS ? { WEBHOOK_LINGER_MS: process.env.WEBHOOK_LINGER_MS } : {}),
  });
  const { store, mongo } = await openStore(config.MONGODB_URI, config.MONGODB_DB);
  closers.push(() => mongo.close());
  const deps: ApiDeps = { config, store, temporal: createTemporal(config), clock: () => new Date(), log: silentLogger };
  closers.push(() => deps.temporal!.connection.close());
  const server = createServer(createApp(deps));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  closers.push(() => connection.close());
  const noopWorker = await Worker.create({
    connection,
    taskQueue: 'bench-noop',
    workflowsPath: fileURLToPath(new URL('./noop-workflow.ts', import.meta.url)),
    activities: { noop: async () => {} },
  });
  const auditWorker = await createAuditWorker({ config, store, connection });
  const running = [auditWorker.run(), noopWorker.run()];
  closers.push(async () => (auditWorker.shutdown(), noopWorker.shutdown(), await Promise.all(running)));
  const client = deps.temporal!.workflow;

  // ---- helpers --------------------------------------------------------------------------------
  const call = async (path: string, input: unknown, token = PROCESS_ADMIN_TOKEN) => {
    const r = await mutate(api, path, input, token);
    if (r.status !== 200) throw new Error(`${path} answered ${JSON.stringify(r).slice(0, 300)}`);
    return (r as { body: { result: { data: any } } }).body.result.data;
  };
  const tenant = async (name: string): Promise<string> => {
    const org = await call('admin.organizations.create', { name: `bench ${name}` });
    const ws = await call('admin.workspaces.create', {
      organizationId: org.id,
      name: `delivery ${name}`,
      plan: 'enterprise',
    });
    return (await call('admin.apiKeys.create', { workspaceId: ws.id, scopes: ['events:write', 'webhooks:manage'] }))
      .key as string;
  };
  const destination = async (key: string, sink: Sink, batchSize = 100): Promise<string> => {
    const format = sink.format === 'plain' ? undefined : sink.format;
    const { webhook } = await call(
      'webhooks.create',
      { url: sink.url, categories: ['lock'], ...(format ? { format } : {}), batchSize },
      key,
    );
    return webhook.id as string;
  };
  let n = 0;
  const trpc = async (key: string, path: string, input: unknown): Promise<any> => {
    const res = await fetch(`${api}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: any } };
    if (res.status !== 200 || !body.result)
      throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return body.result.data;
  };
  const record = async (key: string): Promise<{ id: string; returned: number; tookMs: number }> => {
    const t0 = performance.now();
    const { id } = await trpc(key, 'events.record', sampleEvent(n++, run));
    const returned = performance.now();
    return { id, returned, tookMs: returned - t0 };
  };
  const recordBatch = async (key: string, count: number): Promise<string[]> =>
    (
      (await trpc(key, 'events.recordBatch', { events: Array.from({ length: count }, () => sampleEvent(n++, run)) }))
        .events as { id: string }[]
    ).map((e) => e.id);
  const plainBody = JSON.stringify(sampleEvent(0, run));
  const post = async (sink: Sink, id: string): Promise<void> => {
    const res = await fetch(sink.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bench-id': id },
      body: plainBody,
    });
    await res.arrayBuffer();
  };
  const noop = (id: string) =>
    client.start('noopWorkflow', { workflowId: `noop-${run}-${id}`, taskQueue: 'bench-noop' });
  const phase = (title: string) =>
    console.log(`\n-- ${title}  (t=${fmt((performance.now() - benchStarted) / 1000)} s, load ${load()})`);
  const drained = async (sink: Sink, ids: string[], what: string): Promise<number> => {
    const missing = await rx.waitAll(sink, ids, DRAIN_MS);
    if (missing > 0)
      console.log(`   !! ${missing} of ${ids.length} ${what} never reached the receiver within ${DRAIN_MS / 1000} s`);
    return missing;
  };
  const describeSink = (s: Sink) => {
    const reqs = s.requests;
    const bytes = reqs.reduce((a, r) => a + r.bytes, 0);
    const evs = reqs.reduce((a, r) => a + r.events, 0);
    return `${reqs.length} requests, ${fmt(evs / Math.max(1, reqs.length), 1)} events and ${fmt(bytes / Math.max(1, reqs.length) / 1024, 1)} KiB per request (largest ${fmt(Math.max(0, ...reqs.map((r) => r.bytes)) / 1024, 1)} KiB, ${fmt(bytes / Math.max(1, evs))} B per event), duplicates ${s.duplicates}, repeated webhook-ids ${s.repeatedDeliveryIds}${s.errors.length ? `, unreadable bodies: ${s.errors.join('; ')}` : ''}`;
  };
  const describeHistory = (h: HistorySummary, delivered: number, wallMs: number) => {
    const kinds = Object.entries(h.byKind)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `   history: ${h.events} events over ${h.runs} run(s) (visibility lists ${h.listedRuns} run(s), historyLength sum ${h.listedHistoryLength}) = ${fmt(h.events / Math.max(1, delivered), 3)} per delivered event; ${h.steps} streamStep activities (answered ${Object.entries(
        h.byNext,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}), ${h.sendingSteps} of them sent a batch`,
    );
    console.log(`   by kind: ${kinds}`);
    console.log(
      `   per sending step, ms p50/p99: queued (scheduled → started) ${fmt(h.queueMs.p50, 1)}/${fmt(h.queueMs.p99, 1)}, the step (started → completed: read, open, render, POST, save) ${fmt(h.stepMs.p50, 1)}/${fmt(h.stepMs.p99, 1)}; after a 'continue' (completed → next scheduled: the workflow task) ${fmt(h.gapMs.p50, 1)}/${fmt(h.gapMs.p99, 1)}; step p50 in the first quarter ${fmt(h.stepMsFirstQuarter, 1)}, in the last ${fmt(h.stepMsLastQuarter, 1)}; sending steps ran ${fmt(h.sendingStepTotalMs / 1000, 2)} s of the phase's ${fmt(wallMs / 1000, 2)} s`,
    );
  };

  interface Saturation {
    label: string;
    events: number;
    delivered: number;
    missing: number;
    perSecond: number;
    recordPerSecond: number;
    sink: Sink;
    history: HistorySummary;
  }
  /** A fresh workspace and destination; `total` events by recordBatch from LANES lanes; until the last arrives. */
  const saturation = async (
    label: string,
    format: SinkFormat,
    batchSize: number,
    total: number,
  ): Promise<Saturation> => {
    phase(`saturation: ${label}, ${fmt(total)} events by recordBatch (${BATCH} per call, ${LANES} lanes)`);
    const key = await tenant(label);
    const sink = rx.sink(label, format);
    const webhookId = await destination(key, sink, batchSize);
    await new Promise((r) => setTimeout(r, 500)); // the stream starts with the destination: let it settle idle
    const ids: string[] = [];
    const t0 = performance.now();
    const recordMs = await lanes(
      LANES,
      Math.ceil(total / BATCH),
      async (i) => void ids.push(...(await recordBatch(key, Math.min(BATCH, total - i * BATCH)))),
    );
    const recorded = performance.now();
    const missing = await drained(sink, ids, 'events');
    const arrivals = ids.map((id) => sink.arrivals.get(id)).filter((t): t is number => t !== undefined);
    const delivered = arrivals.length;
    const last = Math.max(...arrivals);
    const perSecond = delivered / ((last - t0) / 1000);
    const before = arrivals.filter((t) => t <= recorded).length;
    await new Promise((r) => setTimeout(r, 300)); // the step's completion reaches the history
    const history = await summarizeHistory(client, `stream:${webhookId}`);
    const recordPerSecond = total / (recordMs / 1000);
    console.log(
      `   ${fmt(delivered)} of ${fmt(total)} delivered at ${fmt(perSecond, 1)} events/s (first record call → last arrival, ${fmt((Math.max(...arrivals) - t0) / 1000, 2)} s); recording alone took ${fmt(recordMs / 1000, 2)} s = ${fmt(recordPerSecond)} events/s; ${fmt(before)} had arrived when the last record call returned, the rest took ${fmt((last - recorded) / 1000, 2)} s more`,
    );
    console.log(`   receiver: ${describeSink(sink)}`);
    describeHistory(history, delivered, last - t0);
    return { label, events: total, delivered, missing, perSecond, recordPerSecond, sink, history };
  };

  // ---- warm-up ---------------------------------------------------------------------------------
  phase('warm-up: one destination, 20 single records and one batch; 20 no-op workflows; 100 plain POSTs');
  {
    const key = await tenant('warm');
    const sink = rx.sink('warm', 'cloudevents');
    await destination(key, sink);
    const single = await Promise.all(Array.from({ length: 20 }, async () => (await record(key)).id));
    await drained(sink, [...single, ...(await recordBatch(key, BATCH))], 'warm-up events');
    await Promise.all(Array.from({ length: 20 }, async (_, i) => await (await noop(`warm-${i}`)).result()));
    const plain = rx.sink('warm-plain', 'plain');
    await lanes(CONCURRENCY, 100, (i) => post(plain, `warm-${i}`));
  }

  // ---- 1. saturation, batchSize 100, CloudEvents, and its baselines ----------------------------
  const sat = await saturation('cloudevents-b100', 'cloudevents', 100, SATURATION);

  phase(
    `baseline: no-op Temporal workflow at saturation, ${fmt(NOOP)} started from ${CONCURRENCY} lanes, start → complete`,
  );
  const noopStart = performance.now();
  const handles: Awaited<ReturnType<typeof noop>>[] = [];
  await lanes(CONCURRENCY, NOOP, async (i) => void handles.push(await noop(`sat-${i}`)));
  await lanes(64, handles.length, (i) => handles[i]!.result());
  const noopRate = NOOP / ((performance.now() - noopStart) / 1000);
  const noopHistory = ((await handles[0]!.fetchHistory()).events ?? []).length;
  console.log(
    `   ${fmt(noopRate, 1)} workflows/s; one no-op workflow's history is ${noopHistory} events (the old design ran at least that per event per destination)`,
  );

  phase(
    `baseline: plain POST loop to the same receiver, ${fmt(SATURATION)} POSTs of one event from ${CONCURRENCY} lanes`,
  );
  const plainSat = rx.sink('plain-saturation', 'plain');
  const plainMs = await lanes(CONCURRENCY, SATURATION, (i) => post(plainSat, `sat-${i}`));
  const plainRate = SATURATION / (plainMs / 1000);
  console.log(`   ${fmt(plainRate, 1)} POSTs/s; receiver: ${describeSink(plainSat)}`);

  // ---- 2. and 3. ----------------------------------------------------------------------------------
  const one = await saturation('cloudevents-b1', 'cloudevents', 1, SATURATION_ONE);
  const dd = await saturation('datadog-b100', 'datadog', 100, SATURATION_FORMATS);
  const hec = await saturation('splunk-hec-b100', 'splunk-hec', 100, SATURATION_FORMATS);

  // ---- 4. steady rate ----------------------------------------------------------------------------
  phase(
    `steady: ${RATE} single events.record calls per second for ${SECONDS} s, one fresh destination (batchSize 100, CloudEvents)`,
  );
  const steadyKey = await tenant('steady');
  const steadySink = rx.sink('steady', 'cloudevents');
  const steadyHook = await destination(steadyKey, steadySink);
  await new Promise((r) => setTimeout(r, 500));
  const steadyStart = performance.now();
  const sent = await paced(RATE, SECONDS, () => record(steadyKey));
  const steadyAchieved = sent.length / ((Math.max(...sent.map((x) => x.returned)) - steadyStart) / 1000);
  await drained(
    steadySink,
    sent.map((s) => s.id),
    'steady events',
  );
  const arrived = sent.filter((s) => steadySink.arrivals.has(s.id));
  const steadySamples = arrived.map((s) => steadySink.arrivals.get(s.id)! - s.returned);
  const steady = stats(steadySamples);
  const steadyRecord = stats(sent.map((s) => s.tookMs));
  await new Promise((r) => setTimeout(r, 300));
  const steadyHistory = await summarizeHistory(client, `stream:${steadyHook}`);
  const early = steadySamples.filter((x) => x < 0).length;
  console.log(
    `   record → receiver p50 ${fmt(steady.p50, 1)} ms, p99 ${fmt(steady.p99, 1)} ms over ${fmt(steady.n)} events${early ? ` (${early} arrived before their record call returned)` : ''}; events.record itself p50 ${fmt(steadyRecord.p50, 1)} ms, p99 ${fmt(steadyRecord.p99, 1)} ms (open loop: a slow answer means requests queue in the API; answered ${fmt(steadyAchieved, 1)} calls/s of the ${RATE} offered)`,
  );
  console.log(`   receiver: ${describeSink(steadySink)}`);
  describeHistory(
    steadyHistory,
    arrived.length,
    Math.max(...arrived.map((s) => steadySink.arrivals.get(s.id)!)) - sent[0]!.returned,
  );

  phase(`baseline: no-op workflow at ${RATE}/s for ${SECONDS} s, start → complete`);
  const noopSteady = stats(
    await paced(RATE, SECONDS, async (i) => {
      const t0 = performance.now();
      await (await noop(`rate-${i}`)).result();
      return performance.now() - t0;
    }),
  );
  console.log(`   p50 ${fmt(noopSteady.p50, 1)} ms, p99 ${fmt(noopSteady.p99, 1)} ms over ${fmt(noopSteady.n)}`);

  phase(`baseline: plain POST at ${RATE}/s for ${SECONDS} s, send → receiver has the body`);
  const plainSteadySink = rx.sink('plain-steady', 'plain');
  const plainSteady = stats(
    await paced(RATE, SECONDS, async (i) => {
      const t0 = performance.now();
      await post(plainSteadySink, `rate-${i}`);
      return plainSteadySink.arrivals.get(`rate-${i}`)! - t0;
    }),
  );
  console.log(`   p50 ${fmt(plainSteady.p50, 2)} ms, p99 ${fmt(plainSteady.p99, 2)} ms over ${fmt(plainSteady.n)}`);

  // ---- 6. record latency with three destinations vs none ----------------------------------------
  phase(
    `events.record latency, concurrency 1, ${RECORDS} calls each: a workspace with three enabled destinations (cloudevents, datadog, splunk-hec) vs one with none, in alternating blocks of 50; for where the time goes, also a workspace whose three destinations take another category (listed on each record, never woken, nothing to deliver)`,
  );
  const withKey = await tenant('three-destinations');
  const threeSinks = [
    rx.sink('three-ce', 'cloudevents'),
    rx.sink('three-dd', 'datadog'),
    rx.sink('three-hec', 'splunk-hec'),
  ];
  for (const s of threeSinks) await destination(withKey, s);
  const noneKey = await tenant('no-destinations');
  const otherKey = await tenant('three-other-category');
  for (const s of ['other-1', 'other-2', 'other-3'])
    await call('webhooks.create', { url: rx.sink(s, 'cloudevents').url, categories: ['release'] }, otherKey);
  const withTimes: number[] = [];
  const noneTimes: number[] = [];
  const otherTimes: number[] = [];
  const timed = async (key: string, count: number, into: number[] | null): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await record(key);
      into?.push(r.tookMs);
      ids.push(r.id);
    }
    return ids;
  };
  await timed(noneKey, 20, null);
  await timed(otherKey, 20, null);
  for (const s of threeSinks) await drained(s, await timed(withKey, 20, null), 'warm-up events');
  let recordMissing = 0;
  for (let done = 0; done < RECORDS; done += 50) {
    const count = Math.min(50, RECORDS - done);
    await timed(noneKey, count, noneTimes);
    await timed(otherKey, count, otherTimes);
    const ids = await timed(withKey, count, withTimes);
    // Their deliveries finish before the next block without destinations, so it runs on a quiet worker.
    for (const s of threeSinks) recordMissing += await drained(s, ids, 'events (three destinations)');
  }
  const withStats = stats(withTimes);
  const noneStats = stats(noneTimes);
  const otherStats = stats(otherTimes);
  console.log(
    `   three destinations: p50 ${fmt(withStats.p50, 2)} ms, p99 ${fmt(withStats.p99, 2)} ms; none: p50 ${fmt(noneStats.p50, 2)} ms, p99 ${fmt(noneStats.p99, 2)} ms; three of another category: p50 ${fmt(otherStats.p50, 2)} ms, p99 ${fmt(otherStats.p99, 2)} ms (${fmt(otherStats.p50 / noneStats.p50, 2)}x none) (n=${withStats.n}/${noneStats.n}/${otherStats.n})`,
  );
  for (const s of threeSinks) console.log(`   ${s.tag}: ${describeSink(s)}`);

  // ---- summary ------------------------------------------------------------------------------------
  const ratio = (a: number, base: number) => {
    const r = a / base;
    return `${fmt(r, r >= 100 ? 0 : r >= 10 ? 1 : r >= 0.1 ? 2 : r >= 0.01 ? 3 : 4)}x`;
  };
  const atLeast = (v: number, goal: number, unit: string) => `≥ ${fmt(goal)} ${unit}: ${v >= goal ? 'PASS' : 'MISS'}`;
  const atMost = (v: number, goal: number, unit: string, digits = 0) =>
    `≤ ${fmt(goal, digits)}${unit}: ${v <= goal ? 'PASS' : 'MISS'}`;
  const incomplete = (s: Saturation) =>
    (s.missing > 0 ? ` (${fmt(s.missing)} missing)` : '') +
    (s.sink.duplicates > 0 ? ` (${fmt(s.sink.duplicates)} duplicates)` : '');
  const perSec = (v: number) => `${fmt(v, 1)} ev/s`;
  const vsBaselines = (v: number) => [
    `no-op workflow ${fmt(noopRate, 1)}/s; plain POST ${fmt(plainRate)}/s`,
    `${ratio(v, noopRate)}; ${ratio(v, plainRate)}`,
  ];
  const deliveredEvents = sat.delivered;
  const perEvent = sat.history.events / Math.max(1, deliveredEvents);
  const rows: string[][] = [
    ['bench', 'ours', 'baseline', 'ratio', 'goal'],
    [
      `saturation, 1 destination, batchSize 100, cloudevents (${fmt(SATURATION)} events)`,
      perSec(sat.perSecond) + incomplete(sat),
      ...vsBaselines(sat.perSecond),
      atLeast(sat.missing ? 0 : sat.perSecond, 500, 'ev/s'),
    ],
    [
      `saturation, batchSize 1, cloudevents (${fmt(SATURATION_ONE)} events)`,
      perSec(one.perSecond) + incomplete(one),
      ...vsBaselines(one.perSecond),
      atLeast(one.missing ? 0 : one.perSecond, OLD_DESIGN_RATE, 'ev/s (old design)'),
    ],
    [
      `saturation, batchSize 100, datadog (${fmt(SATURATION_FORMATS)} events)`,
      perSec(dd.perSecond) + incomplete(dd),
      ...vsBaselines(dd.perSecond),
      '–',
    ],
    [
      `saturation, batchSize 100, splunk-hec (${fmt(SATURATION_FORMATS)} events)`,
      perSec(hec.perSecond) + incomplete(hec),
      ...vsBaselines(hec.perSecond),
      '–',
    ],
    [
      `steady ${RATE}/s × ${SECONDS} s, record returned → received, p50`,
      `${fmt(steady.p50)} ms`,
      `plain POST ${fmt(plainSteady.p50, 1)} ms; no-op workflow ${fmt(noopSteady.p50)} ms`,
      `${ratio(steady.p50, plainSteady.p50)}; ${ratio(steady.p50, noopSteady.p50)}`,
      atMost(steady.p50, 1_000, ' ms'),
    ],
    [
      `steady ${RATE}/s × ${SECONDS} s, record returned → received, p99`,
      `${fmt(steady.p99)} ms`,
      `plain POST ${fmt(plainSteady.p99, 1)} ms; no-op workflow ${fmt(noopSteady.p99)} ms`,
      `${ratio(steady.p99, plainSteady.p99)}; ${ratio(steady.p99, noopSteady.p99)}`,
      atMost(steady.p99, 2_500, ' ms'),
    ],
    [
      `Temporal history events per delivered event (batchSize 100, ${fmt(deliveredEvents)} events)`,
      fmt(perEvent, 3),
      `no-op workflow per event: ${noopHistory}`,
      ratio(perEvent, noopHistory),
      atMost(perEvent, 0.2, '', 1),
    ],
    [
      `events.record p50, concurrency 1, 3 destinations vs none (${fmt(RECORDS)} calls each)`,
      `${fmt(withStats.p50, 2)} ms`,
      `${fmt(noneStats.p50, 2)} ms`,
      ratio(withStats.p50, noneStats.p50),
      atMost(withStats.p50 / noneStats.p50, 1.2, 'x', 1),
    ],
  ];
  console.log('');
  table(rows);
  console.log('\nMarkdown (README, Performance):\n');
  console.log(`| ${rows[0]!.join(' | ')} |`);
  console.log(`|${rows[0]!.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of rows.slice(1)) console.log(`| ${r.join(' | ')} |`);
  console.log(
    `\nSaturation rates run from the first record call to the last event's arrival and include recording (${fmt(sat.recordPerSecond)} events/s alone in phase 1). One process holds the API, the worker, the receiver and the baselines; load average at the end: ${load()}.`,
  );
  if (recordMissing > 0)
    console.log(`!! ${recordMissing} events of the three-destination workspace were not delivered in time`);
} finally {
  for (const close of closers.reverse()) await close().catch(() => {});
  await rx.close();
  await b.close();
}
