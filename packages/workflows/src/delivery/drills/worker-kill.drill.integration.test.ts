import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, freePort, startTemporalDev, type ManagedProcess, type RunningServer } from '@audit/local-servers';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { drillEvent, killHard, lossReport, startWorkerProcess, unsettled } from './drill-support.ts';

const EVENTS = 200;
/** Killed once this many POSTs have reached the receiver: most deliveries are still to come. */
const KILL_AFTER = 30;

let dir: string;
let temporal: RunningServer;
let env: TestEnv;
let rx: Receiver;
const workers: ManagedProcess[] = [];

// A Temporal of its own: the worker's main() claims the fixed Schedule ids on whatever server it joins.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-drill-worker-'));
  temporal = await startTemporalDev(await ensureTools(() => {}), { dataDir: dir, port: await freePort(), uiPort: await freePort(), persist: false });
  env = await openTestEnv({ TEMPORAL_ADDRESS: temporal.address, WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,5s,10s' });
  // A slow receiver keeps POSTs open, so the kill lands in the middle of some of them.
  rx = await startReceiver(async () => {
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

describe('fault drill: the worker is killed with SIGKILL mid-delivery', () => {
  it('delivers every event after a restart, duplicates only under the same webhook-id', async () => {
    const t = await env.tenant('enterprise');
    const { secret } = await t.caller.webhooks.create({ url: rx.url, categories: ['lock'] });
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => t.caller.events.record(drillEvent(i + j))));
      ids.push(...batch.map((e) => e.id));
    }

    const started = Date.now();
    workers.push(await startWorkerProcess(env.deps.config, dir, 'worker-1'));
    await rx.waitFor(KILL_AFTER, undefined, 60_000);
    await killHard(workers[0]!);
    const atKill = new Set(rx.requests.map((r) => r.headers['webhook-id'])).size;
    expect(atKill).toBeLessThan(EVENTS);

    workers.push(await startWorkerProcess(env.deps.config, dir, 'worker-2'));
    const restartedAt = Date.now();
    await eventually(async () => lossReport(ids, rx.requests, secret).missing.length === 0, 150_000, `all ${EVENTS} events at the receiver`);
    const deliveredAfter = Date.now() - restartedAt;
    const rows = await eventually(async () => {
      const docs = await env.deps.store.deliveries.col.find({ workspaceId: t.workspaceId }).toArray();
      return unsettled(ids, docs).length === 0 ? docs : null;
    }, 30_000, 'every delivery settled');

    const report = lossReport(ids, rx.requests, secret);
    console.log(`[drill] worker killed after ${atKill}/${EVENTS} events arrived; the rest within ${deliveredAfter} ms of the restart; ${report.duplicates} duplicate POSTs; ${Date.now() - started} ms in all`);
    expect(report).toEqual({ missing: [], unknown: [], forged: [], duplicates: report.duplicates });
    expect(unsettled(ids, rows)).toEqual([]);
  }, 300_000);
});
