/**
 * Delivery: time from events.record returning to a local receiver getting the webhook (p50/p99
 * at a steady rate) and deliveries per second at saturation, vs Temporal's floor (a workflow with
 * one no-op activity, same server) and vs a plain HTTP POST loop to the same receiver. The API and
 * the worker run in this process, as one deployment of each would.
 *   npx tsx bench/delivery.ts [--rate=20] [--seconds=30] [--saturation=500] [--concurrency=16]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp, createTemporal, silentLogger, type ApiDeps } from '@audit/api';
import { parseConfig } from '@audit/shared';
import { openStore } from '@audit/store';
import { createAuditWorker } from '@audit/worker';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mutate, PROCESS_ADMIN_TOKEN } from '../packages/api/src/faults/api-process.ts';
import { sampleEvent } from './bench-events.ts';
import { paced, startBenchReceiver, stats, type Stats } from './delivery-support.ts';
import { arg, fmt, header, lanes, openBench, table } from './harness.ts';

const RATE = arg('rate', 20);
const SECONDS = arg('seconds', 30);
const SATURATION = arg('saturation', 500);
const CONCURRENCY = arg('concurrency', 16);
const DRAIN_MS = 600_000;
const run = randomBytes(4).toString('hex');

header('delivery: events.record → webhook vs a no-op Temporal workflow vs a plain POST', { rate: RATE, seconds: SECONDS, saturation: SATURATION, concurrency: CONCURRENCY });
Runtime.install({ logger: new DefaultLogger('WARN') });
const b = await openBench({ temporal: true });
const rx = await startBenchReceiver();
const closers: (() => Promise<unknown>)[] = [];
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
  const noopWorker = await Worker.create({ connection, taskQueue: 'bench-noop', workflowsPath: fileURLToPath(new URL('./noop-workflow.ts', import.meta.url)), activities: { noop: async () => {} } });
  const auditWorker = await createAuditWorker({ config, store, connection });
  const running = [auditWorker.run(), noopWorker.run()];
  closers.push(async () => (auditWorker.shutdown(), noopWorker.shutdown(), await Promise.all(running)));

  const key = await tenantWithWebhook(api, rx.url);
  let n = 0;
  const record = async (): Promise<{ id: string; returned: number }> => {
    const res = await fetch(`${api}/trpc/events.record`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(sampleEvent(n++, run)) });
    const body = (await res.json()) as { result?: { data: { id: string } } };
    if (res.status !== 200 || !body.result) throw new Error(`events.record answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return { id: body.result.data.id, returned: performance.now() };
  };
  const body = JSON.stringify(sampleEvent(0, run));
  const post = async (id: string): Promise<void> => {
    const res = await fetch(rx.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bench-id': id }, body });
    await res.arrayBuffer();
  };
  const client = deps.temporal!.workflow;
  const noop = (id: string) => client.start('noopWorkflow', { workflowId: `noop-${run}-${id}`, taskQueue: 'bench-noop' });

  await Promise.all(Array.from({ length: 20 }, async () => await rx.waitAll([(await record()).id], 60_000)));
  await Promise.all(Array.from({ length: 20 }, async (_, i) => await (await noop(`warm-${i}`)).result()));

  // Steady rate: latency as a receiver sees it.
  const sent = await paced(RATE, SECONDS, () => record());
  await rx.waitAll(sent.map((s) => s.id), DRAIN_MS);
  const ours = stats(sent.map((s) => rx.arrivals.get(s.id)! - s.returned));
  const floor = stats(await paced(RATE, SECONDS, async (i) => {
    const t0 = performance.now();
    await (await noop(`rate-${i}`)).result();
    return performance.now() - t0;
  }));
  const plain = stats(await paced(RATE, SECONDS, async (i) => {
    const t0 = performance.now();
    await post(`rate-${run}-${i}`);
    return rx.arrivals.get(`rate-${run}-${i}`)! - t0;
  }));

  // Saturation: as many as the recorder can push, until the last one is delivered.
  const satStart = performance.now();
  const ids: string[] = [];
  await lanes(CONCURRENCY, SATURATION, async () => void ids.push((await record()).id));
  const recordRate = SATURATION / ((performance.now() - satStart) / 1000);
  await rx.waitAll(ids, DRAIN_MS);
  const oursRate = SATURATION / ((Math.max(...ids.map((id) => rx.arrivals.get(id)!)) - satStart) / 1000);
  const floorStart = performance.now();
  const handles: Awaited<ReturnType<typeof noop>>[] = [];
  await lanes(CONCURRENCY, SATURATION, async (i) => void handles.push(await noop(`sat-${i}`)));
  await lanes(64, handles.length, (i) => handles[i]!.result());
  const floorRate = SATURATION / ((performance.now() - floorStart) / 1000);
  const plainStart = performance.now();
  await lanes(CONCURRENCY, SATURATION, (i) => post(`sat-${run}-${i}`));
  const plainRate = SATURATION / ((performance.now() - plainStart) / 1000);

  const ms = (s: Stats) => [fmt(s.p50, 1), fmt(s.p99, 1)];
  console.log('');
  table([
    ['path', `p50 ms @${RATE}/s`, `p99 ms @${RATE}/s`, 'per second at saturation'],
    ['events.record → webhook received', ...ms(ours), fmt(oursRate, 1)],
    ['Temporal floor: no-op workflow, start → complete', ...ms(floor), fmt(floorRate, 1)],
    ['plain HTTP POST loop to the receiver', ...ms(plain), fmt(plainRate, 1)],
  ]);
  console.log(`\nratios (ours / baseline): vs Temporal floor p50 ${fmt(ours.p50 / floor.p50, 2)}x, p99 ${fmt(ours.p99 / floor.p99, 2)}x, throughput ${fmt(oursRate / floorRate, 2)}x`);
  console.log(`                          vs plain POST    p50 ${fmt(ours.p50 / plain.p50, 2)}x, p99 ${fmt(ours.p99 / plain.p99, 2)}x, throughput ${fmt(oursRate / plainRate, 3)}x`);
  console.log(`samples: ${ours.n} deliveries, ${floor.n} workflows, ${plain.n} POSTs at ${RATE}/s; the saturation recorder ran at ${fmt(recordRate, 1)} events.record/s on ${CONCURRENCY} lanes`);
} finally {
  for (const close of closers.reverse()) await close().catch(() => {});
  await rx.close();
  await b.close();
}

async function tenantWithWebhook(api: string, url: string): Promise<string> {
  const call = async (path: string, input: unknown, token = PROCESS_ADMIN_TOKEN) => {
    const r = await mutate(api, path, input, token);
    if (r.status !== 200) throw new Error(`${path} answered ${JSON.stringify(r).slice(0, 300)}`);
    return (r as { body: { result: { data: any } } }).body.result.data;
  };
  const org = await call('admin.organizations.create', { name: 'bench' });
  const ws = await call('admin.workspaces.create', { organizationId: org.id, name: 'delivery bench', plan: 'enterprise' });
  const { key } = await call('admin.apiKeys.create', { workspaceId: ws.id, scopes: ['events:write', 'webhooks:manage'] });
  await call('webhooks.create', { url, categories: ['lock'] }, key);
  return key;
}
