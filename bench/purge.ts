/**
 * Purge: N expired events deleted by the retention workflow (API → Temporal → worker, each its
 * own process, default pacing) vs one raw deleteMany of N equivalent events; and events.list
 * p50 / p99 of another workspace while idle, during the purge, and during the raw delete.
 *   npx tsx bench/purge.ts [--events=1000000] [--recent=2000]
 */
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EventDoc } from '@audit/store';
import { startService } from '@audit/local-servers';
import { createTenantOverHttp, mutate, PROCESS_ADMIN_TOKEN } from '@audit/testing/drills';
import { sampleDoc, sampleEvent } from './bench-events.ts';
import { arg, fmt, header, lanes, openBench, percentile, table } from './harness.ts';

const N = arg('events', 1_000_000);
const RECENT = arg('recent', 2_000);
const DAY = 86_400_000;
const run = randomBytes(4).toString('hex');

header('purge: retention workflow vs raw deleteMany', { events: N, listedWorkspaceEvents: RECENT, pacing: `RETENTION_BATCH_SIZE=${process.env.RETENTION_BATCH_SIZE ?? '500 (default)'} RETENTION_BATCH_PAUSE_MS=${process.env.RETENTION_BATCH_PAUSE_MS ?? '250 (default)'}` });
const b = await openBench({ temporal: true });
try {
  const api = await b.api('purge');
  const reader = await createTenantOverHttp(api.url, 'enterprise');
  const readerIds: string[] = [];
  for (let i = 0; i < RECENT; i += 500) {
    const r = await mutate(api.url, 'events.recordBatch', { events: Array.from({ length: Math.min(500, RECENT - i) }, (_, j) => sampleEvent(i + j, run)) }, reader.key);
    if (r.status !== 200) throw new Error(`seeding the listed workspace: ${JSON.stringify(r).slice(0, 300)}`);
    readerIds.push(...(r as { body: any }).body.result.data.events.map((e: { id: string }) => e.id));
  }
  const raw = await b.raw('purge');
  const events = raw.db.collection<EventDoc>('events');

  /** N events recorded 400 days ago, expired on every plan; seqs start past the system events already there. */
  const seedExpired = async (ws: { workspaceId: string; organizationId: string }) => {
    const started = performance.now();
    const old = Date.now() - 400 * DAY;
    await lanes(2, Math.ceil(N / 5_000), async (bi) => {
      const docs = Array.from({ length: Math.min(5_000, N - bi * 5_000) }, (_, i) => sampleDoc(bi * 5_000 + i, `${run}-${ws.workspaceId}`, ws, bi * 5_000 + i + 100, new Date(old + bi * 5_000 + i)));
      await events.insertMany(docs, { ordered: false });
    });
    console.log(`seeded ${fmt(N)} expired events in ${fmt((performance.now() - started) / 1000, 1)} s`);
  };

  const failures = new Map<string, number>();
  /** Calls `path` with `input(i)` one at a time until `done()`, `max` calls or `maxMs`; sorted latencies. */
  const probe = async (path: string, input: (i: number) => unknown, done: () => boolean, max: number, maxMs = Infinity): Promise<number[]> => {
    const times: number[] = [];
    const deadline = performance.now() + maxMs;
    while (!done() && times.length < max && performance.now() < deadline) {
      const url = `${api.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input(times.length)))}`;
      const started = performance.now();
      const status = await getWithoutTimeout(url, reader.key).catch((err: Error) => err.message);
      if (status !== 200) {
        // A failed read is a finding, not a reason to lose the run: counted, shown, and the probe goes on.
        failures.set(`${path}: ${status}`, (failures.get(`${path}: ${status}`) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      times.push(performance.now() - started);
    }
    return times.sort((x, y) => x - y);
  };
  /** Both readers side by side until `done()`; the list at least once even when it outlasts `maxMs`. */
  const readers = async (done: () => boolean, maxMs = Infinity) => {
    let listDone = false;
    const [list, get] = await Promise.all([
      probe('events.list', () => ({ limit: 50 }), done, 100_000, maxMs).finally(() => (listDone = true)),
      probe('events.get', (i) => ({ workspaceId: reader.workspaceId, id: readerIds[(i * 37) % readerIds.length] }), () => done() || listDone, 100_000),
    ]);
    return { list, get };
  };

  const purged = await createTenantOverHttp(api.url, 'team');
  await seedExpired(purged);
  const idle = await readers(() => false, 30_000);

  const worker = startService('worker', { MONGODB_URI: b.ferret.address, MONGODB_DB: 'purge', TEMPORAL_ADDRESS: b.temporal!.address, ADMIN_TOKEN: PROCESS_ADMIN_TOKEN, LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0' }, join(b.dir, 'worker.log'));
  const workerLog = join(b.dir, 'worker.log');
  for (let t = 0; !(await readFile(workerLog, 'utf8').catch(() => '')).includes('worker running'); t++) {
    if (t > 1_200 || worker.child.exitCode !== null) throw new Error(`the worker did not start; see ${workerLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const start = await mutate(api.url, 'admin.retention.runNow', {}, PROCESS_ADMIN_TOKEN);
  if (start.status !== 200) throw new Error(`runNow answered ${JSON.stringify(start).slice(0, 300)}`);
  const runId: string = (start as { body: any }).body.result.data.id;
  const startedAt = performance.now();
  let finished = false;
  const during = readers(() => finished);
  for (;;) {
    const res = await fetch(`${api.url}/trpc/admin.retention.run?input=${encodeURIComponent(JSON.stringify({ id: runId }))}`, { headers: { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}` } });
    const state = res.status === 200 ? ((await res.json()) as any).result.data : null;
    if (state?.state === 'failed') throw new Error(`the purge failed: ${state.error}`);
    if (state?.state === 'completed') {
      if (state.deletedByWorkspace[purged.workspaceId] !== N) throw new Error(`the purge deleted ${JSON.stringify(state.deletedByWorkspace)}, expected ${N}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const oursMs = performance.now() - startedAt;
  console.log(`retention workflow: ${fmt(N)} events in ${fmt(oursMs / 1000, 1)} s, ${fmt(N / (oursMs / 1000))} events/s`);
  finished = true;
  const duringPurge = await during;
  await worker.stop();

  const baseline = await createTenantOverHttp(api.url, 'team');
  await seedExpired(baseline);
  let rawDone = false;
  const duringRawList = readers(() => rawDone);
  const rawStarted = performance.now();
  const res = await events.deleteMany({ workspaceId: baseline.workspaceId, recordedAt: { $lt: new Date(Date.now() - 30 * DAY) } });
  const rawMs = performance.now() - rawStarted;
  rawDone = true;
  const duringRaw = await duringRawList;
  if (res.deletedCount !== N) throw new Error(`deleteMany removed ${res.deletedCount}, expected ${N}`);

  const ours = N / (oursMs / 1000);
  const base = N / (rawMs / 1000);
  console.log('');
  table([
    ['path', 'events', 'seconds', 'events/s'],
    ['retention workflow (runNow → completed)', N, fmt(oursMs / 1000, 1), fmt(ours)],
    ['raw deleteMany', N, fmt(rawMs / 1000, 1), fmt(base)],
  ]);
  console.log(`ratio (ours / raw): ${fmt(ours / base, 2)}`);
  console.log(`\nreaders of an Enterprise workspace with ${fmt(RECENT)} events, while the collection also holds the purged ones:`);
  const rows: (string | number)[][] = [['while', 'call', 'calls', 'p50 ms', 'p99 ms', 'p99 vs idle']];
  for (const kind of ['list', 'get'] as const) {
    const base99 = percentile(idle[kind], 99);
    for (const [label, t] of [['idle', idle], ['the retention purge runs', duringPurge], ['a raw deleteMany runs', duringRaw]] as const) {
      rows.push([label, `events.${kind}`, t[kind].length, fmt(percentile(t[kind], 50), 1), fmt(percentile(t[kind], 99), 1), fmt(percentile(t[kind], 99) / base99, 2)]);
    }
  }
  table(rows);
  for (const [what, count] of failures) console.log(`failed reads: ${count} x ${what}`);
  if (failures.size > 0) console.log(`the API's last log lines:\n${(await readFile(join(b.dir, 'api.log'), 'utf8').catch(() => '')).split('\n').slice(-15).join('\n')}`);
} finally {
  await b.close();
}

/** fetch gives up on a response after 300 s, and a list over millions of events on FerretDB takes longer. */
function getWithoutTimeout(url: string, key: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    // A fresh connection each call: a kept-alive one the server closed while idle hangs up.
    get(url, { agent: false, headers: { authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
      res.on('error', reject);
    }).on('error', reject);
  });
}
