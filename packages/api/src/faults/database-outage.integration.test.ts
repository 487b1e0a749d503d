import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTools,
  freePort,
  startFerretDb,
  type ManagedProcess,
  type RunningServer,
  type Tools,
} from '@audit/local-servers';
import { connectMongo } from '@audit/store';
import { provided } from '@audit/testing';
import {
  apiDrillEvent,
  createTenantOverHttp,
  mutate,
  startApiProcess,
  until,
  type Answer,
} from '@audit/testing/drills';

const WRITERS = 4;
type Phase = 'up' | 'down' | 'back';

let tools: Tools;
let dataDir: string;
let dbPort: number;
let ferret: RunningServer;
let api: ManagedProcess;
let url: string;

beforeAll(async () => {
  tools = await ensureTools();
  dataDir = await mkdtemp(join(tmpdir(), 'audit-drill-db-'));
  dbPort = await freePort();
  ferret = await startFerretDb(tools, { dataDir, port: dbPort });
  const port = await freePort();
  api = await startApiProcess({
    port,
    mongodbUri: ferret.address,
    db: 'drill',
    temporalAddress: provided('temporalAddress'),
    logDir: dataDir,
  });
  url = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await api?.stop();
  await ferret?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const tallyOf = (seen: Record<Phase, Map<string, number>>) =>
  Object.fromEntries(Object.entries(seen).map(([p, m]) => [p, Object.fromEntries(m)]));

describe('fault drill: the database stops during ingest', () => {
  it('answers 503 while it is down, recovers by itself, and stores every acknowledged event exactly once', async () => {
    const tenant = await createTenantOverHttp(url);
    const acked = new Map<string, string>();
    const sent = new Set<string>();
    const seen: Record<Phase, Map<string, number>> = { up: new Map(), down: new Map(), back: new Map() };
    const unexpected: string[] = [];
    let phase: Phase = 'up';
    let stop = false;

    const note = (key: string, r: Answer, during: Phase) => {
      const label = r.status === 200 ? '200' : r.status === 503 ? '503' : `${r.status}`;
      seen[during].set(label, (seen[during].get(label) ?? 0) + 1);
      if (r.status === 200) acked.set(key, r.body.result.data.id);
      else if (r.status !== 503 || r.body?.error?.data?.code !== 'SERVICE_UNAVAILABLE')
        unexpected.push(`${key} during ${during}: ${JSON.stringify(r).slice(0, 300)}`);
    };
    const writer = async (w: number) => {
      for (let i = 0; !stop && i < 5_000; i++) {
        const key = `w${w}-${i}`;
        sent.add(key);
        const during = phase;
        note(key, await mutate(url, 'events.record', apiDrillEvent(key), tenant.key), during);
      }
    };
    const writers = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const count = (p: Phase, label: string) => seen[p].get(label) ?? 0;

    try {
      await until('events acknowledged before the outage', () => acked.size >= 40, 30_000);
      ferret.child.kill('SIGKILL');
      await new Promise((r) => ferret.child.once('exit', r));
      phase = 'down';
      await until('503s while the database is down', () => count('down', '503') >= WRITERS, 30_000);
      ferret = await startFerretDb(tools, { dataDir, port: dbPort });
      phase = 'back';
      await until('the API to acknowledge again without a restart', () => count('back', '200') >= 20, 45_000);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; answers so far ${JSON.stringify(tallyOf(seen))}; first unexpected: ${unexpected.slice(0, 3).join(' | ')}`,
      );
    } finally {
      stop = true;
      await writers;
    }

    // The client's side of the contract: anything not acknowledged is retried with its key.
    for (const key of sent) {
      for (let attempt = 0; !acked.has(key) && attempt < 10; attempt++)
        note(key, await mutate(url, 'events.record', apiDrillEvent(key), tenant.key), 'back');
    }

    console.log(`[drill] database outage: ${sent.size} keys, answers by phase ${JSON.stringify(tallyOf(seen))}`);
    expect(unexpected).toEqual([]);
    expect(api.child.exitCode).toBeNull();
    expect([...sent].filter((k) => !acked.has(k))).toEqual([]);
    const mongo = await connectMongo(ferret.address, 'drill');
    try {
      const docs = await mongo.db
        .collection('events')
        .find({ workspaceId: tenant.workspaceId, idempotencyKey: { $ne: null }, 'actor.id': 'drill' })
        .toArray();
      const byKey = new Map<string, string[]>();
      for (const d of docs) byKey.set(d.idempotencyKey, [...(byKey.get(d.idempotencyKey) ?? []), String(d._id)]);
      expect(docs).toHaveLength(sent.size);
      for (const [key, id] of acked) expect(byKey.get(key), key).toEqual([id]);
    } finally {
      await mongo.close();
    }
  }, 150_000);
});
