import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, freePort, startTemporalDev, type ManagedProcess, type RunningServer } from '@audit/local-servers';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { clean, deliveryDrillEvent, killHard, lossReport, startWorkerProcess, unsettled } from '@audit/testing/drills';

const EVENTS = 200;
/** Small batches, so the stream has many to send and the kill lands with most still to come. */
const BATCH_SIZE = 10;
/** The worker is killed while the receiver holds this request (0-based) open: mid-batch for certain. */
const KILL_AT = 5;

let dir: string;
let temporal: RunningServer;
let env: TestEnv;
let rx: Receiver;
const workers: ManagedProcess[] = [];
let killedAt = 0;

// A Temporal of its own: the worker's main() claims the fixed Schedule ids on whatever server it joins.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-drill-worker-'));
  temporal = await startTemporalDev(await ensureTools(() => {}), {
    dataDir: dir,
    port: await freePort(),
    uiPort: await freePort(),
    persist: false,
  });
  env = await openTestEnv({ TEMPORAL_ADDRESS: temporal.address, WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,5s,10s' });
  // A slow receiver keeps POSTs open; the one at KILL_AT is held until the worker sending it is dead.
  rx = await startReceiver(async (_req, n) => {
    if (n === KILL_AT && workers[0]) {
      killedAt = Date.now();
      await killHard(workers[0]);
    }
    await new Promise((r) => setTimeout(r, 150));
    return { status: 204 };
  });
});

afterAll(async () => {
  for (const w of workers) await killHard(w);
  await rx?.close();
  await env?.close();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fault drill: the worker is killed with SIGKILL mid-batch', () => {
  it('delivers every event after a restart, in seq order, duplicates only as the whole batch under its webhook-id', async () => {
    const t = await env.tenant('enterprise');
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'], batchSize: BATCH_SIZE });
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) => t.caller.events.record(deliveryDrillEvent(i + j))),
      );
      ids.push(...batch.sort((a, b) => a.seq - b.seq).map((e) => e.id));
    }

    const started = Date.now();
    workers.push(await startWorkerProcess(env.deps.config, dir, 'worker-1'));
    await eventually(
      async () => killedAt > 0 && workers[0]!.child.signalCode === 'SIGKILL',
      90_000,
      'the worker killed mid-batch',
    );
    // The batch in flight at the kill: the receiver has it, the worker never heard back.
    const inFlight = rx.requests[KILL_AT]!;
    const atKill = lossReport(ids, rx.requests, secret);
    expect(atKill.missing.length).toBeGreaterThan(0);

    workers.push(await startWorkerProcess(env.deps.config, dir, 'worker-2'));
    const restartedAt = Date.now();
    await eventually(
      async () => lossReport(ids, rx.requests, secret).missing.length === 0,
      150_000,
      `all ${EVENTS} events at the receiver`,
    );
    const deliveredAfter = Date.now() - restartedAt;
    const rows = await eventually(
      async () => {
        const docs = await env.deps.store.deliveries.col.find({ workspaceId: t.workspaceId }).toArray();
        return unsettled(ids, docs).length === 0 ? docs : null;
      },
      30_000,
      'every batch settled',
    );

    const report = lossReport(ids, rx.requests, secret);
    const copies = rx.requests.filter((r) => r.headers['webhook-id'] === inFlight.headers['webhook-id']);
    const firstCopyAfterRestart = copies.find((r) => r.at >= restartedAt);
    console.log(
      `[measure] worker SIGKILLed mid-batch after ${EVENTS - atKill.missing.length}/${EVENTS} events arrived in ${atKill.batches} batches; ` +
        `the batch in flight resent ${firstCopyAfterRestart ? firstCopyAfterRestart.at - killedAt : NaN} ms after the kill; the rest within ${deliveredAfter} ms of the restart; ` +
        `${report.batches} batches, ${report.duplicates} duplicate POSTs (whole batches); ${Date.now() - started} ms in all`,
    );
    expect(report).toEqual({ ...clean(report), duplicates: report.duplicates, batches: rows.length });
    // The batch cut off by the kill went again whole, under its webhook-id, with the same events.
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(report.duplicates).toBeGreaterThanOrEqual(1);
    expect(rows.every((d) => d.eventIds.length <= BATCH_SIZE)).toBe(true);
    expect(unsettled(ids, rows)).toEqual([]);
  }, 300_000);
});
