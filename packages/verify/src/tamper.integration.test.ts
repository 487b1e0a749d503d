import { execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointSigningInput, checkpointHeaderOf } from '@audit/shared/integrity/checkpoint';
import { eventHash } from '@audit/shared/integrity/event-hash';
import { generateSigningKeyValue, parseSigningKey, signText } from '@audit/shared/integrity/signing';
import { newId } from '@audit/shared';
import { connectMongo, type CheckpointDoc, type EventDoc, type Mongo } from '@audit/store';
import { lockCreated, openTestEnv, sealNow, type Tenant, type TestEnv } from '@audit/testing';

/*
 * Tampering straight in the database, through a second driver connection (as someone with
 * database access would), and `npm run verify` against the running API naming what changed.
 */
const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'cli.ts');

let env: TestEnv;
let url: string;
let mongo: Mongo;
let dir: string;
beforeAll(async () => {
  env = await openTestEnv();
  await env.startWorker();
  url = (await env.http()).url;
  mongo = await connectMongo(env.deps.config.MONGODB_URI, env.deps.config.MONGODB_DB);
  dir = await mkdtemp(join(tmpdir(), 'audit-verify-'));
});
afterAll(async () => {
  await mongo?.close();
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Report {
  ok: boolean;
  findings: { kind: string; eventId?: string; seq?: number; checkpoint?: number; message: string }[];
  counts: Record<string, number>;
}

async function verify(t: Tenant, extra: string[] = []): Promise<{ code: number; report: Report }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', CLI, '--url', url, '--key', t.key, '--json', ...extra],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, report: JSON.parse(stdout) as Report };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (e.code !== 1) throw new Error(`verify exited ${e.code}: ${e.stderr}`);
    return { code: 1, report: JSON.parse(e.stdout) as Report };
  }
}

/** A workspace of 40 events in two checkpoints (plus #1's own mark in #2), verified clean. */
async function sealed(): Promise<{ t: Tenant; events: EventDoc[] }> {
  const t = await env.tenant('enterprise');
  await t.caller.events.recordBatch({
    events: Array.from({ length: 30 }, (_, i) => ({ ...lockCreated(i), idempotencyKey: `k${i}` })),
  });
  await sealNow(env);
  // A retried key inside the batch leaves its number unused: a gap in the sealed span.
  await t.caller.events.recordBatch({
    events: Array.from({ length: 10 }, (_, i) => ({
      ...lockCreated(100 + i),
      idempotencyKey: i === 5 ? 'k0' : `k${100 + i}`,
    })),
  });
  await sealNow(env);
  const clean = await verify(t);
  expect(clean.report.findings).toEqual([]);
  expect(clean.code).toBe(0);
  const events = await mongo.db
    .collection<EventDoc>('events')
    .find({ workspaceId: t.workspaceId, category: 'lock' })
    .sort({ seq: 1 })
    .toArray();
  return { t, events };
}

const eventsCol = () => mongo.db.collection<EventDoc>('events');
const checkpointsCol = () => mongo.db.collection<CheckpointDoc>('checkpoints');

describe('npm run verify against a tampered database', () => {
  it('names an event whose metadata changed', async () => {
    const { t, events } = await sealed();
    await eventsCol().updateOne({ _id: events[7]!._id }, { $set: { 'metadata.reason': 'nothing to see' } });
    const { code, report } = await verify(t);
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'modified', eventId: events[7]!._id })]);
  });

  it('names an event whose recordedAt changed', async () => {
    const { t, events } = await sealed();
    await eventsCol().updateOne(
      { _id: events[3]!._id },
      { $set: { recordedAt: new Date(events[3]!.recordedAt.getTime() - 60_000) } },
    );
    const { report } = await verify(t);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'modified', eventId: events[3]!._id })]);
  });

  it('names the seq of a deleted event', async () => {
    const { t, events } = await sealed();
    await eventsCol().deleteOne({ _id: events[12]!._id });
    const { code, report } = await verify(t);
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'missing', seq: events[12]!.seq })]);
  });

  it('names both events when two swap their seqs', async () => {
    const { t, events } = await sealed();
    const [a, b] = [events[4]!, events[5]!];
    // Through a free seq, since (workspaceId, seq) is unique.
    await eventsCol().updateOne({ _id: a._id }, { $set: { seq: -1 } });
    await eventsCol().updateOne({ _id: b._id }, { $set: { seq: a.seq } });
    await eventsCol().updateOne({ _id: a._id }, { $set: { seq: b.seq } });
    const { report } = await verify(t);
    expect(report.findings.map((f) => [f.kind, f.eventId]).sort()).toEqual(
      [
        ['reordered', a._id],
        ['reordered', b._id],
      ].sort(),
    );
  });

  it('names a forged event, even one carrying a self-consistent hash', async () => {
    const { t, events } = await sealed();
    const template = events[0]!;
    const forged = {
      ...template,
      _id: newId('event'),
      seq: await freeSeqInside(t),
      idem: `forged-${Date.now()}`,
      description: 'Unlocked prod',
      recordedAt: new Date(template.recordedAt.getTime() + 1),
    };
    forged.hash = eventHash({ ...forged, id: forged._id });
    await eventsCol().insertOne(forged);
    const { report } = await verify(t);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'inserted', eventId: forged._id })]);
  });

  it('says a replaced checkpoint does not carry a valid signature', async () => {
    const { t } = await sealed();
    const id = `${t.workspaceId}:${'1'.padStart(12, '0')}`;
    await checkpointsCol().updateOne(
      { _id: id },
      { $set: { sealedAt: new Date(Date.now() - 86_400_000).toISOString() } },
    );
    const { report } = await verify(t);
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'bad-signature', checkpoint: 1 }));
  });

  it('says a checkpoint re-signed with another key names an unknown key, and the chain breaks after it', async () => {
    const { t } = await sealed();
    const id = `${t.workspaceId}:${'1'.padStart(12, '0')}`;
    const doc = (await checkpointsCol().findOne({ _id: id }))!;
    const mallory = parseSigningKey(generateSigningKeyValue());
    const header = { ...checkpointHeaderOf(doc), keyId: mallory.keyId };
    await checkpointsCol().updateOne(
      { _id: id },
      { $set: { keyId: mallory.keyId, signature: signText(checkpointSigningInput(header), mallory) } },
    );
    const { report } = await verify(t);
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'unknown-key', checkpoint: 1 }));
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'broken-chain', checkpoint: 2 }));
  });

  it('passes an honest workspace of 10,000 events with a purge in the middle', async () => {
    const t = await env.tenant('enterprise');
    const record = async (from: number, n: number) => {
      for (let i = from; i < from + n; i += 500)
        await t.caller.events.recordBatch({ events: Array.from({ length: 500 }, (_, j) => lockCreated(i + j)) });
    };
    await record(0, 5_000);
    await sealNow(env);
    await new Promise((r) => setTimeout(r, 20));
    const boundary = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await record(5_000, 5_000);
    await sealNow(env);
    // Enterprise keeps 365 days: purging "as of" a year after the boundary removes the first half.
    const runId = newId('retentionRun');
    await env.deps.temporal!.workflow.execute('retentionPurge', {
      workflowId: `retention:test:${runId}`,
      taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
      args: [{ runId, asOf: new Date(boundary.getTime() + 365 * 86_400_000).toISOString(), trigger: 'manual' }],
    });
    expect(
      (await env.deps.store.retentionRuns.findById(runId))?.deletedByWorkspace[t.workspaceId],
    ).toBeGreaterThanOrEqual(5_000);
    const started = performance.now();
    const { code, report } = await verify(t);
    const ms = performance.now() - started;
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.counts.purged).toBeGreaterThanOrEqual(5_000);
    expect(report.counts.sealed).toBeGreaterThanOrEqual(5_000);
    console.log(
      `[measure] online verify of 10,000 events (${report.counts.purged} purged, ${report.counts.sealed} sealed): ${Math.round(ms)} ms including process start`,
    );
    // Saved as files, the same data verifies offline too.
    const auth = { authorization: `Bearer ${t.key}` };
    const files = {
      events: join(dir, 'events.ndjson'),
      checkpoints: join(dir, 'checkpoints.ndjson'),
      keys: join(dir, 'keys.json'),
    };
    await writeFile(files.events, await (await fetch(`${url}/export?format=ndjson`, { headers: auth })).text());
    await writeFile(files.checkpoints, await (await fetch(`${url}/export/checkpoints`, { headers: auth })).text());
    await writeFile(files.keys, await (await fetch(`${url}/.well-known/audit-log-keys.json`)).text());
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        '--events',
        files.events,
        '--checkpoints',
        files.checkpoints,
        '--keys',
        files.keys,
        '--json',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect((JSON.parse(stdout) as Report).ok).toBe(true);
  }, 300_000);
});

/** The number the retried key left unused inside checkpoint #2: the forger's only way into a sealed span. */
async function freeSeqInside(t: Tenant): Promise<number> {
  const cp = (await checkpointsCol().findOne({ _id: `${t.workspaceId}:${'2'.padStart(12, '0')}` }))!;
  const used = new Set(
    (
      await eventsCol()
        .find({ workspaceId: t.workspaceId }, { projection: { seq: 1 } })
        .toArray()
    ).map((d) => d.seq),
  );
  for (let s = cp.from; s <= cp.through; s++) if (!used.has(s)) return s;
  throw new Error('checkpoint #2 has no unused number');
}
