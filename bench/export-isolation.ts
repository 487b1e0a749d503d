/**
 * What a tenant's exports cost another, on one API process: tenant B lists (events.list, 20 a
 * page, 250 ms after each answer) alone, and beside tenant A starting --exports exports of its
 * --events-event log at once (what its export window admits in a minute at the default per
 * workspace); an export refused by the export cap waits its Retry-After and asks again, as the
 * client does. The export windows are set out of reach, so only the cap differs between the two
 * runs: RATE_LIMIT_CONCURRENT_EXPORTS at its default against 0 (off). Rounds alternate (alone,
 * beside; beside, alone; ...) and B's latencies are compared with a bootstrap 95 % interval.
 *   npx tsx bench/export-isolation.ts [--events=20000] [--exports=10] [--rounds=3] [--b-requests=30]
 */
import { randomBytes } from 'node:crypto';
import { createTenantOverHttp, mutate, PROCESS_ADMIN_TOKEN } from '@audit/testing/drills';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, openBench, percentile, table, type Bench } from './harness.ts';
import { quantileRatio, showRatio, verdict } from './stats.ts';

const EVENTS = arg('events', 20_000);
const EXPORTS = arg('exports', 10);
const ROUNDS = arg('rounds', 3);
const B_REQUESTS = arg('b-requests', 30);
const B_PAUSE_MS = 250;
const OUT_OF_REACH = { RATE_LIMIT_EXPORT_PER_KEY: '1000/1m', RATE_LIMIT_EXPORT_PER_WORKSPACE: '1000/1m' };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

type Api = Awaited<ReturnType<Bench['api']>>;

async function seed(api: Api, key: string, n: number, run: string): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const events = Array.from({ length: Math.min(500, n - i) }, (_, j) => sampleEvent(i + j, run));
    const res = await fetch(`${api.url}/trpc/events.recordBatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 200) throw new Error(`seeding answered ${res.status}`);
  }
}

async function measure(b: Bench, name: string, env: Record<string, string>) {
  const api = await b.api(name, { RATE_LIMIT_ENABLED: 'true', ...OUT_OF_REACH, ...env });
  const run = randomBytes(4).toString('hex');
  const [a, bt] = [await createTenantOverHttp(api.url), await createTenantOverHttp(api.url)];
  await seed(api, a.key, EVENTS, `${run}-a`);
  await seed(api, bt.key, 50, `${run}-b`);
  const list = async () => {
    const started = performance.now();
    const res = await fetch(`${api.url}/trpc/events.list?input=${encodeURIComponent('{"limit":20}')}`, {
      headers: { authorization: `Bearer ${bt.key}` },
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`tenant B was answered ${res.status}`);
    return performance.now() - started;
  };
  const alone = async () => {
    const times = [];
    for (let i = 0; i < B_REQUESTS; i++) {
      times.push(await list());
      await sleep(B_PAUSE_MS);
    }
    return times;
  };
  const a429 = { refused: 0, seconds: [] as number[] };
  const exportOnce = async (key: string) => {
    for (;;) {
      const res = await fetch(`${api.url}/export?format=ndjson`, { headers: { authorization: `Bearer ${key}` } });
      const body = await res.arrayBuffer();
      if (res.status === 200 && body.byteLength > EVENTS * 100) return;
      if (res.status !== 429) throw new Error(`an export of A was answered ${res.status} (${body.byteLength} bytes)`);
      a429.refused++;
      await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
    }
  };
  // B lists for as long as A's exports run (its calls beside them).
  const besideExports = async () => {
    const created = await mutate(
      api.url,
      'admin.apiKeys.create',
      { workspaceId: a.workspaceId, scopes: ['events:read'] },
      PROCESS_ADMIN_TOKEN,
    );
    const key = (created as { body: { result: { data: { key: string } } } }).body.result.data.key;
    const started = performance.now();
    let done = false;
    const exports = Promise.all(Array.from({ length: EXPORTS }, () => exportOnce(key))).finally(() => {
      done = true;
      a429.seconds.push((performance.now() - started) / 1000);
    });
    const times = [];
    while (!done) {
      times.push(await list());
      await sleep(B_PAUSE_MS);
    }
    await exports;
    return times;
  };
  await alone(); // warm-up
  const al: number[][] = [];
  const be: number[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      al.push(await alone());
      be.push(await besideExports());
    } else {
      be.push(await besideExports());
      al.push(await alone());
    }
  }
  await api.proc.stop();
  return { alone: al.flat().sort((x, y) => x - y), beside: be.flat().sort((x, y) => x - y), ...a429 };
}

header('tenant isolation: B beside A exporting', {
  events: EVENTS,
  exports: EXPORTS,
  rounds: ROUNDS,
  bRequests: B_REQUESTS,
});
const b = await openBench({ temporal: false });
try {
  const rows = [];
  for (const [i, [label, env]] of (
    [
      ['export cap at its default (2)', {}],
      ['export cap off (0)', { RATE_LIMIT_CONCURRENT_EXPORTS: '0' }],
    ] as const
  ).entries()) {
    const r = await measure(b, `export_isolation_${i}`, env);
    const p50 = quantileRatio(r.alone, r.beside, 0.5);
    rows.push([
      label,
      `${fmt(percentile(r.alone, 50), 1)} / ${fmt(percentile(r.alone, 90), 1)}`,
      `${fmt(percentile(r.beside, 50), 1)} / ${fmt(percentile(r.beside, 90), 1)} (${r.beside.length} calls)`,
      showRatio(p50),
      showRatio(quantileRatio(r.alone, r.beside, 0.9)),
      verdict(p50),
      `${r.refused} / ${r.seconds.map((s) => fmt(s, 1)).join(', ')}`,
    ]);
  }
  console.log('');
  table([
    [
      `tenant B, events.list every ${B_PAUSE_MS} ms, alone and beside A's ${EXPORTS} exports of ${EVENTS} events started at once, ${ROUNDS} rounds`,
      'B alone p50 / p90 ms',
      'B beside p50 / p90 ms',
      'p50 ratio [95% CI]',
      'p90 ratio [95% CI]',
      'p50 verdict (±10%)',
      "A's refusals by the cap / seconds until its exports were done",
    ],
    ...rows,
  ]);
} finally {
  await b.close();
}
