import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTools,
  freePort,
  startTemporalDev,
  type ManagedProcess,
  type RunningServer,
  type Tools,
} from '@audit/local-servers';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { clean, deliveryDrillEvent, killHard, lossReport, startWorkerProcess, unsettled } from '@audit/testing/drills';

const MAX_EVENTS = 1_000;
const AFTER_RESTART = 100;
const PER_SECOND = 20;
const KILL_AT = 80;
const DOWN_MS = Number(process.env.DRILL_TEMPORAL_DOWN_MS ?? 5_000);

let dir: string;
let tools: Tools;
let temporalPort: number;
let temporal: RunningServer;
let env: TestEnv;
let rx: Receiver;
let worker: ManagedProcess | undefined;

const startTemporal = async () =>
  startTemporalDev(tools, { dataDir: dir, port: temporalPort, uiPort: await freePort(), persist: true });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-drill-temporal-'));
  tools = await ensureTools(() => {});
  temporalPort = await freePort();
  temporal = await startTemporal();
  env = await openTestEnv({ TEMPORAL_ADDRESS: temporal.address, WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,5s,10s' });
  rx = await startReceiver();
});

afterAll(async () => {
  // Wake-ups the API sent while Temporal was down are still in the client's gRPC retries (up to
  // 5 s apart); closing the connection under one throws from its timer. Once a call gets through,
  // the channel is up again, and one more interval lets every pending retry get through too.
  const probe = await eventually(
    () =>
      env.deps.temporal!.workflow.count().then(
        () => true,
        () => false,
      ),
    30_000,
    'Temporal reachable from the API',
  ).catch(() => false);
  if (probe) await new Promise((r) => setTimeout(r, 6_500));
  if (worker) await killHard(worker);
  await rx?.close();
  await env?.close();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fault drill: the Temporal dev server is killed and restarted on its persisted state', () => {
  it('delivers every event in seq order, the ones recorded during the outage from the stream log', async () => {
    const t = await env.tenant('enterprise');
    const { webhook, secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    worker = await startWorkerProcess(env.deps.config, dir);
    const started = Date.now();
    const at = { killed: 0, restarted: 0, recordedAtRestart: 0, heldInLog: 0 };
    /** Events recorded after the stream's position: what it still owes the receiver. */
    const backlog = async () => {
      const [head, stream] = await Promise.all([
        env.deps.store.streamHeads.get(t.workspaceId),
        env.deps.store.streams.find(t.workspaceId, webhook.id),
      ]);
      return Math.max(0, (head?.eventSeq ?? 0) - (stream?.next.seq ?? 0) + 1);
    };

    const recorded: { id: string; seq: number }[] = [];
    const failures: string[] = [];
    let outage: Promise<void> | undefined;
    // Load before, during and after the outage; bounded in count whatever the timing.
    for (let i = 0; i < MAX_EVENTS && !(at.restarted && i >= at.recordedAtRestart + AFTER_RESTART); i++) {
      // Paced by the clock, not by the calls: a slow record during the outage does not slow the load.
      const due = started + (i * 1000) / PER_SECOND;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (i === KILL_AT) outage = restartTemporalAfterOutage();
      await t.caller.events.record(deliveryDrillEvent(i)).then(
        (e) => recorded.push(e),
        (err: unknown) => failures.push(String(err)),
      );
    }
    await outage;
    expect(failures).toEqual([]);
    expect(at.heldInLog).toBeGreaterThan(0);
    expect(recorded.length).toBeGreaterThanOrEqual(at.recordedAtRestart + AFTER_RESTART);
    const ids = [...recorded].sort((a, b) => a.seq - b.seq).map((e) => e.id);

    await eventually(
      async () => lossReport(ids, rx.requests, secret).missing.length === 0,
      180_000,
      `all ${ids.length} events at the receiver`,
    );
    const allDelivered = Date.now() - at.restarted;
    await eventually(async () => (await backlog()) === 0, 60_000, 'the stream caught up');
    const caughtUp = Date.now() - at.restarted;
    const rows = await eventually(
      async () => {
        const docs = await env.deps.store.deliveries.col.find({ workspaceId: t.workspaceId }).toArray();
        return unsettled(ids, docs).length === 0 ? docs : null;
      },
      30_000,
      'every batch settled',
    );

    const report = lossReport(ids, rx.requests, secret);
    console.log(
      `[measure] ${ids.length} events at ${PER_SECOND}/s; Temporal SIGKILLed, ${DOWN_MS} ms down, back on its persisted state after ${at.restarted - at.killed} ms; ` +
        `${at.heldInLog} events waited in the stream log; after the restart every event arrived in ${allDelivered} ms and the stream caught up in ${caughtUp} ms; ` +
        `${report.batches} batches, ${report.duplicates} duplicate POSTs (whole batches); ${Date.now() - started} ms in all`,
    );
    expect(report).toEqual({ ...clean(report), duplicates: report.duplicates, batches: rows.length });
    expect(unsettled(ids, rows)).toEqual([]);

    async function restartTemporalAfterOutage(): Promise<void> {
      await killHard(temporal);
      at.killed = Date.now();
      await new Promise((r) => setTimeout(r, DOWN_MS));
      at.heldInLog = await backlog();
      temporal = await startTemporal();
      at.restarted = Date.now();
      at.recordedAtRestart = recorded.length;
    }
  }, 480_000);
});
