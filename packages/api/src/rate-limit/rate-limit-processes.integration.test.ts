import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ManagedProcess } from '@audit/local-servers';
import { connectMongo, type Mongo } from '@audit/store';
import { provided } from '@audit/testing';
import { apiDrillEvent, createTenantOverHttp, mutate, startApiProcess, type ApiOptions } from '@audit/testing/drills';

const LIMIT = 40;
const WINDOW_MS = 3_600_000;
const REQUESTS = 150;

let logDir: string;
let db: string;
let apis: ManagedProcess[] = [];
let urls: string[] = [];
let mongo: Mongo;

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'audit-rl-'));
  db = `rl_${randomBytes(4).toString('hex')}`;
  const env = {
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_RECORD_PER_KEY: `${LIMIT}/1h`,
    RATE_LIMIT_RECORD_PER_WORKSPACE: '100000/1h',
  };
  const options = async (name: string): Promise<ApiOptions> => {
    await mkdir(join(logDir, name));
    return {
      port: await freePort(),
      mongodbUri: provided('mongodbUri'),
      db,
      temporalAddress: provided('temporalAddress'),
      logDir: join(logDir, name),
      env,
    };
  };
  const both = await Promise.all([options('a'), options('b')]);
  apis = await Promise.all(both.map((o) => startApiProcess(o)));
  urls = both.map((o) => `http://127.0.0.1:${o.port}`);
  mongo = await connectMongo(provided('mongodbUri'), db);
});

afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
  await mongo?.db.dropDatabase().catch(() => {});
  await mongo?.close();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

describe('rate limits across API processes', () => {
  it('admit no more than the limit in all, however the requests are spread over two processes', async () => {
    const tenant = await createTenantOverHttp(urls[0]!);
    const start = Date.now();
    // Alternating between the processes, all at once: both race for the same window's slots.
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        mutate(urls[i % 2]!, 'events.record', apiDrillEvent(`rl-${i}`), tenant.key),
      ),
    );
    const windows = Math.floor(Date.now() / WINDOW_MS) - Math.floor(start / WINDOW_MS) + 1;
    const statuses = answers.map((a) => a.status);
    const admitted = statuses.filter((s) => s === 200).length;
    const perProcess = [0, 1].map((p) => statuses.filter((s, i) => s === 200 && i % 2 === p).length);
    console.log(
      `[rate-limit] ${REQUESTS} requests over 2 processes, limit ${LIMIT}/h per key: admitted ${admitted} (${perProcess.join(' + ')}), refused ${statuses.filter((s) => s === 429).length}`,
    );
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Each process got 75 requests, more than the limit: limits kept per process would admit 80.
    // Which process wins the slots is a race (one can take them all), so only the total is checked.
    if (windows === 1) expect(admitted).toBe(LIMIT);
    else expect(admitted).toBeLessThanOrEqual(LIMIT * windows);
    const refused = answers.find((a) => a.status === 429) as {
      body: { error: { message: string; data: { code: string } } };
    };
    expect(refused.body.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.body.error.message).toMatch(
      new RegExp(`^rate limit: ${LIMIT} requests per 1 h for recording .* per API key; retry in \\d+ s$`),
    );
    const stored = await mongo.db
      .collection('events')
      .countDocuments({ workspaceId: tenant.workspaceId, idempotencyKey: { $regex: '^rl-' } });
    expect(stored).toBe(admitted);
  });
});
