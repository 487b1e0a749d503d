import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockCreated, openTestEnv, sealNow, type TestEnv } from '@audit/testing';
import { main } from './main.ts';

/*
 * The shipping export limit (5 a minute per key) with the minute shortened to 5 s: one
 * verification makes two exports, so the third run in a window meets the API's real limiter.
 */
const WINDOW_MS = 5000;
let env: TestEnv;
let http: { url: string; close(): Promise<void> };

beforeAll(async () => {
  env = await openTestEnv({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_EXPORT_PER_KEY: `5/${WINDOW_MS}ms` });
  await env.startWorker();
  http = await env.http();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

/** The service's answers as the verifier's retrying sees them: `/export 429`. */
function answersSeen() {
  const answers: string[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    answers.push(`${new URL(String(input)).pathname} ${res.status}`);
    return res;
  }) as typeof fetch;
  return { answers, fetchFn };
}

async function verify(key: string, fetchFn: typeof fetch) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), fetch: fetchFn };
  const status = await main(['--url', http.url, '--key', key, '--json'], io);
  const report = status === 2 ? null : (JSON.parse(out.join('\n')) as { ok: boolean; counts: Record<string, number> });
  return { status, err: err.join('\n'), report };
}

describe('npm run verify under the export limit', () => {
  it('three runs in one window all complete, the third waiting out its 429', async () => {
    const t = await env.tenant('enterprise');
    await t.caller.events.recordBatch({ events: Array.from({ length: 20 }, (_, i) => lockCreated(i)) });
    await sealNow(env);
    const seen = answersSeen();
    // Just after a window starts (windows are aligned to the epoch): the three runs fit in one.
    await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 20));
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await verify(t.key, seen.fetchFn));
    for (const run of runs) {
      expect(run.err).toBe('');
      expect(run.status).toBe(0);
      expect(run.report).toMatchObject({ ok: true, counts: { checkpoints: 1 } });
      // The 20 recorded, besides the workspace's own audit events (its key's creation, the seal).
      expect(run.report!.counts.sealed).toBeGreaterThanOrEqual(20);
    }
    const exports = seen.answers.filter((a) => a.startsWith('/export'));
    const admitted = ['/export/checkpoints 200', '/export 200'];
    expect(exports.slice(0, 5)).toEqual([...admitted, ...admitted, admitted[0]]);
    expect(exports.slice(5)).toEqual(['/export 429', '/export 200']);
  });
});
