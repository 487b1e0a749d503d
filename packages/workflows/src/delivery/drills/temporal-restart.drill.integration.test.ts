import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, freePort, startTemporalDev, type ManagedProcess, type RunningServer, type Tools } from '@audit/local-servers';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { drillEvent, killHard, lossReport, startWorkerProcess, unsettled } from './drill-support.ts';

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

const startTemporal = async () => startTemporalDev(tools, { dataDir: dir, port: temporalPort, uiPort: await freePort(), persist: true });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-drill-temporal-'));
  tools = await ensureTools(() => {});
  temporalPort = await freePort();
  temporal = await startTemporal();
  env = await openTestEnv({ TEMPORAL_ADDRESS: temporal.address, WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,5s,10s' });
  rx = await startReceiver();
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await rx?.close();
  await env?.close();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fault drill: the Temporal dev server is killed and restarted on its persisted state', () => {
  it('completes every delivery, the ones recorded during the outage through the outbox', async () => {
    const t = await env.tenant('enterprise');
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    worker = await startWorkerProcess(env.deps.config, dir);
    const started = Date.now();
    const at = { killed: 0, restarted: 0, recordedAtRestart: 0, heldInOutbox: 0 };

    const ids: string[] = [];
    const failures: string[] = [];
    let outage: Promise<void> | undefined;
    // Load before, during and after the outage; bounded in count whatever the timing.
    for (let i = 0; i < MAX_EVENTS && !(at.restarted && i >= at.recordedAtRestart + AFTER_RESTART); i++) {
      // Paced by the clock, not by the calls: a slow record during the outage does not slow the load.
      const due = started + (i * 1000) / PER_SECOND;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (i === KILL_AT) outage = restartTemporalAfterOutage();
      await t.caller.events.record(drillEvent(i)).then((e) => ids.push(e.id), (err: unknown) => failures.push(String(err)));
    }
    await outage;
    expect(failures).toEqual([]);
    expect(at.heldInOutbox).toBeGreaterThan(0);
    expect(ids.length).toBeGreaterThanOrEqual(at.recordedAtRestart + AFTER_RESTART);

    await eventually(async () => (await env.deps.store.dispatchOutbox.countForWorkspace(t.workspaceId)) === 0, 180_000, 'the outbox empty');
    const outboxEmpty = Date.now() - at.restarted;
    await eventually(async () => lossReport(ids, rx.requests, secret).missing.length === 0, 180_000, `all ${ids.length} events at the receiver`);
    const allDelivered = Date.now() - at.restarted;
    const rows = await eventually(async () => {
      const docs = await env.deps.store.deliveries.col.find({ workspaceId: t.workspaceId }).toArray();
      return unsettled(ids, docs).length === 0 ? docs : null;
    }, 30_000, 'every delivery settled');

    const report = lossReport(ids, rx.requests, secret);
    console.log(
      `[drill] ${ids.length} events at ${PER_SECOND}/s; Temporal SIGKILLed, ${DOWN_MS} ms down, back on its persisted state after ${at.restarted - at.killed} ms; ` +
        `${at.heldInOutbox} events waited in the outbox; after the restart the outbox emptied in ${outboxEmpty} ms and every event arrived in ${allDelivered} ms; ` +
        `${report.duplicates} duplicate POSTs; ${Date.now() - started} ms in all`,
    );
    expect(report).toEqual({ missing: [], unknown: [], forged: [], duplicates: report.duplicates });
    expect(unsettled(ids, rows)).toEqual([]);

    async function restartTemporalAfterOutage(): Promise<void> {
      await killHard(temporal);
      at.killed = Date.now();
      await new Promise((r) => setTimeout(r, DOWN_MS));
      at.heldInOutbox = await env.deps.store.dispatchOutbox.countForWorkspace(t.workspaceId);
      temporal = await startTemporal();
      at.restarted = Date.now();
      at.recordedAtRestart = ids.length;
    }
  }, 480_000);
});
