// scratch: API CPU per refused request (deleted after use)
import { readFileSync } from 'node:fs';
import { createTenantOverHttp } from '@audit/testing/drills';
import { openBench } from './harness.ts';
const SECONDS = Number(process.env.SECS ?? 10);
const b = await openBench({ temporal: false });
try {
  const extra = process.env.PROF ? { NODE_OPTIONS: "--require /tmp/rl/prof-hook.cjs", PROF_OUT: process.env.PROF } : {};
  const api = await b.api('prof', { RATE_LIMIT_ENABLED: 'true', LOG_LEVEL: process.env.API_LOG_LEVEL ?? 'warn', ...extra });
  const a = await createTenantOverHttp(api.url);
  const cpu = () => { const f = readFileSync(`/proc/${api.proc.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
  const rest = process.env.REST === '1';
  const url = rest ? `${api.url}/api/v1/events?limit=20` : `${api.url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify({ limit: 20 }))}`;
  const tally = { ok: 0, refused: 0, other: 0 };
  let go = true;
  const c0 = cpu(); const t0 = performance.now();
  const lanes = Array.from({ length: 16 }, async () => {
    while (go) { const r = await fetch(url, { headers: { authorization: `Bearer ${a.key}` } }); await r.arrayBuffer(); r.status === 429 ? tally.refused++ : r.status === 200 ? tally.ok++ : tally.other++; }
  });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  go = false; await Promise.all(lanes);
  const ms = cpu() - c0; const wall = performance.now() - t0;
  console.log(JSON.stringify({ rest, ...tally, refusedPerSec: Math.round(tally.refused / (wall / 1000)), apiCpuMs: ms, apiCpuPerRequestUs: Math.round((ms * 1000) / (tally.ok + tally.refused + tally.other)), apiCpuShare: +(ms / wall).toFixed(2) }));
  if (process.env.PROF) { process.kill(api.proc.child.pid!, "SIGUSR2"); await new Promise((r) => setTimeout(r, 1500)); }
  await api.proc.stop();
} finally { await b.close(); }
