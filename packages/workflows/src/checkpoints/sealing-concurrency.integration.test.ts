import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandRanges } from '@audit/shared/integrity/seq-ranges';
import { verifyLog } from '@audit/shared/integrity/verify-core';
import { freePort, type ManagedProcess } from '@audit/local-servers';
import { openTestEnv, provided, sealNow, verifyInputFromStore, type TestEnv } from '@audit/testing';
import { createTenantOverHttp, mutate, startApiProcess } from '@audit/testing/drills';

/*
 * Two API processes write one workspace at once (their claims interleave, and each commits when
 * it gets there, out of seq order), some events repeat an idempotency key (so seqs skip), and
 * sealing passes run all the while. Afterwards every stored event is in exactly one checkpoint.
 */
let env: TestEnv;
let logDir: string;
const apis: ManagedProcess[] = [];
const urls: string[] = [];

beforeAll(async () => {
  env = await openTestEnv();
  await env.startWorker();
  logDir = await mkdtemp(join(tmpdir(), 'audit-seal-'));
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    await mkdir(join(logDir, `api${i}`));
    apis.push(
      await startApiProcess({
        port,
        mongodbUri: provided('mongodbUri'),
        db: env.deps.config.MONGODB_DB,
        temporalAddress: provided('temporalAddress'),
        logDir: join(logDir, `api${i}`),
        env: { TEMPORAL_TASK_QUEUE: env.deps.config.TEMPORAL_TASK_QUEUE },
      }),
    );
    urls.push(`http://127.0.0.1:${port}`);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
  await env?.close();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

const event = (key: string) => ({
  category: 'lock',
  action: 'created',
  actor: { type: 'user', id: 'usr_1' },
  metadata: { key },
  idempotencyKey: key,
});

describe('sealing beside two writing API processes', () => {
  it('puts every stored event in exactly one checkpoint, and the log verifies', async () => {
    const tenant = await createTenantOverHttp(urls[0]!);
    let writing = true;
    const writer = async (w: number) => {
      for (let b = 0; b < 12; b++) {
        // Every third batch repeats two keys of the batch before: those numbers stay unused.
        const keys = Array.from({ length: 25 + ((b * 7 + w) % 40) }, (_, i) => `w${w}-b${b}-${i}`);
        if (b % 3 === 2) keys.push(`w${w}-b${b - 1}-0`, `w${w}-b${b - 1}-1`);
        const r = await mutate(urls[w]!, 'events.recordBatch', { events: keys.map(event) }, tenant.key, 30_000);
        expect(r.status).toBe(200);
      }
    };
    const sealer = async () => {
      let passes = 0;
      while (writing) {
        await sealNow(env);
        passes++;
      }
      return passes;
    };
    const sealing = sealer();
    await Promise.all([writer(0), writer(1)]);
    writing = false;
    const passes = await sealing;
    // Past the roll-forward grace, so every claim is final, then seal what is left.
    await new Promise((r) => setTimeout(r, 3_500));
    await sealNow(env);

    const stored = await env.deps.store.events.col
      .find({ workspaceId: tenant.workspaceId }, { projection: { seq: 1, category: 1 } })
      .toArray();
    const checkpoints = await env.deps.store.checkpoints.allForWorkspace(tenant.workspaceId).toArray();
    expect(checkpoints.length).toBeGreaterThan(1);
    const covered = checkpoints.flatMap((c) => expandRanges(c.seqs));
    expect(new Set(covered).size).toBe(covered.length); // no seq in two checkpoints
    const last = stored.reduce((a, d) => (d.seq > a.seq ? d : a));
    // Every event is covered, except the newest checkpoint's own mark, which waits for the next.
    expect(last.category).toBe('audit');
    expect(new Set(covered)).toEqual(new Set(stored.filter((d) => d !== last).map((d) => d.seq)));
    const report = verifyLog(await verifyInputFromStore(env, tenant.workspaceId));
    expect(report.findings).toEqual([]);
    expect(report.counts.unsealed).toBe(1);
    console.log(
      `[measure] ${stored.length} events from two API processes, ${passes} sealing passes while writing, ${checkpoints.length} checkpoints; every event in exactly one`,
    );
  }, 240_000);
});
