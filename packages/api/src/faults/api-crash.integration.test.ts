import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ManagedProcess } from '@audit/local-servers';
import { connectMongo, type Mongo } from '@audit/store';
import { provided } from '@audit/testing';
import {
  apiDrillEvent,
  createTenantOverHttp,
  mutate,
  startApiProcess,
  until,
  type ApiOptions,
} from '@audit/testing/drills';

const BATCHES = 10;
const BATCH_SIZE = 500;
const SENDERS = 3;
const KILLS = 2;

let logDir: string;
let options: ApiOptions;
let api: ManagedProcess;
let mongo: Mongo;

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'audit-drill-api-'));
  options = {
    port: await freePort(),
    mongodbUri: provided('mongodbUri'),
    db: `drill_${randomBytes(4).toString('hex')}`,
    temporalAddress: provided('temporalAddress'),
    logDir,
  };
  api = await startApiProcess(options);
  mongo = await connectMongo(options.mongodbUri, options.db);
});

afterAll(async () => {
  await api?.stop();
  await mongo?.db.dropDatabase().catch(() => {});
  await mongo?.close();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

describe('fault drill: the API process is killed mid-batch', () => {
  it('ends with every event stored exactly once when the client retries with the same keys', async () => {
    const url = `http://127.0.0.1:${options.port}`;
    const tenant = await createTenantOverHttp(url);
    const batches = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: BATCH_SIZE }, (_, i) => apiDrillEvent(`b${b}-e${i}`)),
    );
    const ackedIds = new Map<string, string>();
    const pending = batches.map((_, b) => b);
    let inFlight = 0;
    let cutShort = 0;
    const unexpected: string[] = [];

    const sender = async () => {
      const deadline = Date.now() + 120_000;
      while (ackedIds.size < BATCHES * BATCH_SIZE && Date.now() < deadline) {
        const b = pending.shift();
        if (b === undefined) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        inFlight += 1;
        const r = await mutate(url, 'events.recordBatch', { events: batches[b] }, tenant.key, 30_000);
        inFlight -= 1;
        if (r.status === 200) {
          const events: { id: string; idempotencyKey: string }[] = r.body.result.data.events;
          events.forEach((e, i) => {
            expect(e.idempotencyKey).toBe(batches[b]![i]!.idempotencyKey);
            ackedIds.set(e.idempotencyKey, e.id);
          });
          continue;
        }
        if (r.status === 'network') cutShort += 1;
        else unexpected.push(JSON.stringify(r).slice(0, 300));
        pending.push(b);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const senders = Promise.all(Array.from({ length: SENDERS }, sender));

    for (let k = 0; k < KILLS; k++) {
      const before = ackedIds.size;
      await until('a batch acknowledged and another in flight', () => ackedIds.size > before && inFlight > 0, 60_000);
      // Into the batch's write, not only its upload.
      await new Promise((r) => setTimeout(r, 40 + Math.random() * 120));
      api.child.kill('SIGKILL');
      await new Promise((r) => api.child.once('exit', r));
      api = await startApiProcess(options);
    }
    await senders;

    console.log(
      `[drill] API killed ${KILLS} times: ${cutShort} requests cut short, ${ackedIds.size} events acknowledged`,
    );
    expect(unexpected).toEqual([]);
    expect(cutShort).toBeGreaterThan(0);
    expect(ackedIds.size).toBe(BATCHES * BATCH_SIZE);
    const docs = await mongo.db
      .collection('events')
      .find(
        { workspaceId: tenant.workspaceId, idempotencyKey: { $ne: null }, 'actor.id': 'drill' },
        { projection: { idempotencyKey: 1, seq: 1 } },
      )
      .toArray();
    expect(docs).toHaveLength(BATCHES * BATCH_SIZE);
    for (const d of docs) expect(ackedIds.get(d['idempotencyKey'])).toBe(d._id);
    expect(new Set(docs.map((d) => d['seq'])).size).toBe(docs.length);
  }, 180_000);
});
