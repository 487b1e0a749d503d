/**
 * The stream supervisor's pass over many workspaces: an incremental pass (destinations written and
 * workspaces that recorded events since the previous pass, found through indexes) with nothing
 * changed, with 10 destinations changed and with 10 workspaces' new events, against the full walk
 * of every enabled destination that the supervisor made every 30 s before (kept below as the
 * baseline), timed in the same run on the same servers. Also the hourly walk that backs the passes.
 * Destinations and streams are written straight through the store. No worker runs: a started
 * stream waits, so every start after the first is the no-op start a running stream costs.
 *   npx tsx bench/supervisor.ts [--quick] [--destinations=10000] [--workspaces=5000] [--rounds=3]
 * --quick: 500 destinations over 250 workspaces; a flag given explicitly wins over it.
 */
import { loadavg } from 'node:os';
import { Connection, WorkflowClient } from '@temporalio/client';
import { hasEntitlement, newId } from '@audit/shared';
import { createStore, type Store, type WebhookDoc, type WorkspaceDoc } from '@audit/store';
import {
  newLiveStream,
  quietObserver,
  reconcilePage,
  StreamWaker,
  supervisePass,
  type SupervisorCounts,
  type SupervisorDeps,
  type SupervisorReport,
} from '@audit/workflows';
import { arg, fmt, header, lanes, openBench, table } from './harness.ts';

const QUICK = process.argv.includes('--quick');
const DESTINATIONS = arg('destinations', QUICK ? 500 : 10_000);
const WORKSPACES = arg('workspaces', QUICK ? 250 : 5_000);
const ROUNDS = arg('rounds', 3);
const CHANGED = 10;
// The smallest lookback allowed, so the bench waits 6.5 s (not the default 2 minutes) for a quiet window.
const LOOKBACK_MS = 6_000;
const TASK_QUEUE = 'bench-supervisor';

header('stream supervisor: incremental pass vs the full walk of every destination', {
  quick: QUICK,
  destinations: DESTINATIONS,
  workspaces: WORKSPACES,
  rounds: ROUNDS,
  changed: CHANGED,
  lookbackMs: LOOKBACK_MS,
});
console.log(
  `load average at start (1/5/15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} — other runs may share this machine`,
);

/** The supervisor before this version: every enabled destination, three reads and a Temporal start each. */
async function fullWalk(
  store: Store,
  waker: StreamWaker,
  behindAfterMs: number,
): Promise<{ destinations: number; woken: number; failed: number }> {
  const out = { destinations: 0, woken: 0, failed: 0 };
  const now = new Date();
  for (let after: string | null = null; ;) {
    const hooks = await store.webhooks.pageEnabled(after, 200);
    for (const hook of hooks) {
      out.destinations++;
      let stream = await store.streams.find(hook.workspaceId, hook._id);
      if (!stream) {
        await store.streams.create(await newLiveStream(store, hook, now));
        stream = await store.streams.find(hook.workspaceId, hook._id);
      }
      const ws = await store.workspaces.findById(hook.workspaceId);
      const entitled = !!ws && hasEntitlement(ws.plan, 'webhooks');
      const behind =
        !!stream &&
        !!ws &&
        entitled &&
        (await store.streamHeads.lastSeqs([ws])).get(ws._id)! >= stream.next.seq &&
        (stream.idleSince === null || now.getTime() - stream.idleSince.getTime() > behindAfterMs);
      try {
        await waker.ensure({ workspaceId: hook.workspaceId, webhookId: hook._id }, behind ? 'wake' : null);
        if (behind) out.woken++;
      } catch {
        out.failed++;
      }
    }
    if (hooks.length < 200) return out;
    after = hooks.at(-1)!._id;
  }
}

/** As in a deployment that has run a while: the destinations were last changed a day ago. */
async function seed(store: Store): Promise<{ workspaces: WorkspaceDoc[]; hooks: WebhookDoc[] }> {
  const now = new Date(Date.now() - 86_400_000);
  const org = { _id: newId('organization'), name: 'bench', createdAt: now };
  await store.organizations.insert(org);
  const workspaces: WorkspaceDoc[] = Array.from({ length: WORKSPACES }, (_, i) => ({
    _id: newId('workspace'),
    organizationId: org._id,
    name: `ws ${i}`,
    plan: 'enterprise',
    eventSeq: 0,
    hasEnabledWebhooks: false,
    createdAt: now,
    updatedAt: now,
  }));
  await lanes(8, WORKSPACES, (i) => store.workspaces.insert(workspaces[i]!));
  const hooks: WebhookDoc[] = Array.from({ length: DESTINATIONS }, (_, i) => ({
    _id: newId('webhook'),
    workspaceId: workspaces[i % WORKSPACES]!._id,
    organizationId: org._id,
    url: 'https://example.com/hook',
    description: null,
    headers: [],
    categories: ['lock'],
    format: 'cloudevents',
    batchSize: 100,
    compression: 'none',
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    secrets: [],
    createdAt: now,
    updatedAt: now,
  }));
  await lanes(8, DESTINATIONS, async (i) => {
    await store.webhooks.insert(hooks[i]!);
    await store.streams.create(await newLiveStream(store, hooks[i]!, now));
  });
  return { workspaces, hooks };
}

const b = await openBench({ temporal: true });
try {
  const { db } = await b.raw('supervisor_bench');
  const store = createStore(db);
  const connection = await Connection.connect({ address: b.temporal!.address });
  const waker = new StreamWaker({
    store,
    client: new WorkflowClient({ connection }),
    taskQueue: TASK_QUEUE,
    callTimeoutMs: 30_000,
  });
  const deps: SupervisorDeps = {
    store,
    clock: () => new Date(),
    waker,
    observer: quietObserver,
    settings: { lookbackMs: LOOKBACK_MS, behindAfterMs: 5_000 },
    beat: () => {},
  };

  let t0 = performance.now();
  const { workspaces, hooks } = await seed(store);
  console.log(
    `seeded ${fmt(WORKSPACES)} workspaces and ${fmt(DESTINATIONS)} destinations with their streams in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );
  t0 = performance.now();
  const first = await fullWalk(store, waker, deps.settings.behindAfterMs);
  console.log(
    `first full walk (starts every stream workflow): ${fmt(first.destinations)} destinations in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );
  t0 = performance.now();
  const firstPass = await supervisePass(deps);
  console.log(
    `first pass (no watermark yet: walks every destination): ${fmt(firstPass.destinations)} destinations in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );

  const timed = async <T>(f: () => Promise<T>): Promise<{ ms: number; out: T }> => {
    const s = performance.now();
    const out = await f();
    return { ms: performance.now() - s, out };
  };
  /** Past the lookback, then an untimed pass: the next pass's window holds only what follows. */
  const quiet = async () => {
    await new Promise((r) => setTimeout(r, LOOKBACK_MS + 500));
    await supervisePass(deps);
  };
  const expectReport = (what: string, r: SupervisorReport, want: Partial<SupervisorReport>) => {
    for (const [k, v] of Object.entries(want))
      if (r[k as keyof SupervisorReport] !== v)
        throw new Error(`${what}: ${k} was ${r[k as keyof SupervisorReport]}, expected ${v} (${JSON.stringify(r)})`);
  };

  const rows = {
    nothing: [] as number[],
    changed: [] as number[],
    active: [] as number[],
    walk: [] as number[],
    hourly: [] as number[],
  };
  const last: Record<string, SupervisorCounts & Partial<SupervisorReport>> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const walk = await timed(() => fullWalk(store, waker, deps.settings.behindAfterMs));
    if (walk.out.destinations !== DESTINATIONS || walk.out.failed > 0)
      throw new Error(`full walk: ${JSON.stringify(walk.out)}`);
    rows.walk.push(walk.ms);
    last.walk = { ...walk.out, ensured: walk.out.destinations };

    await quiet();
    const nothing = await timed(() => supervisePass(deps));
    expectReport('nothing changed', nothing.out, {
      full: false,
      changed: 0,
      workspaces: 0,
      destinations: 0,
      ensured: 0,
      failed: 0,
    });
    rows.nothing.push(nothing.ms);
    last.nothing = nothing.out;

    const now = new Date();
    for (let i = 0; i < CHANGED; i++) {
      const h = hooks[((round * CHANGED + i) * 7) % DESTINATIONS]!;
      await store.webhooks.update(h.workspaceId, h._id, { description: `round ${round}` }, now);
    }
    const changed = await timed(() => supervisePass(deps));
    expectReport('10 changed', changed.out, {
      full: false,
      changed: CHANGED,
      workspaces: 0,
      destinations: CHANGED,
      ensured: CHANGED,
      failed: 0,
    });
    rows.changed.push(changed.ms);
    last.changed = changed.out;

    await quiet();
    for (let i = 0; i < CHANGED; i++) {
      const ws = workspaces[((round * CHANGED + i) * 13) % WORKSPACES]!;
      await store.streamLog.advanceHint({ workspaceId: ws._id, last: round + 1, claimedAt: new Date() });
    }
    const active = await timed(() => supervisePass(deps));
    expectReport('10 active workspaces', active.out, { full: false, changed: 0, workspaces: CHANGED, failed: 0 });
    rows.active.push(active.ms);
    last.active = active.out;

    const hourly = await timed(async () => {
      const total = { destinations: 0, ensured: 0, woken: 0, failed: 0 };
      for (let after: string | null = null; ;) {
        const page = await reconcilePage(deps, after);
        for (const k of ['destinations', 'ensured', 'woken', 'failed'] as const) total[k] += page[k];
        if (page.nextAfterId === null) return total;
        after = page.nextAfterId;
      }
    });
    if (hourly.out.destinations !== DESTINATIONS) throw new Error(`hourly walk: ${JSON.stringify(hourly.out)}`);
    rows.hourly.push(hourly.ms);
    last.hourly = hourly.out;
  }

  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const base = median(rows.walk);
  const row = (label: string, key: keyof typeof rows) => {
    const c = last[key]!;
    const ms = median(rows[key]);
    return [
      label,
      fmt(ms, 1),
      fmt(c.destinations),
      fmt(c.ensured),
      key === 'walk' ? '' : `x${fmt(ms / base, 4)} (${fmt(base / ms, 1)} times faster)`,
    ];
  };
  console.log('');
  table([
    ['path (median of rounds)', 'ms', 'destinations looked at', 'Temporal calls', 'ratio to the full walk'],
    row('pass, nothing changed (this version)', 'nothing'),
    row(`pass, ${CHANGED} destinations changed (this version)`, 'changed'),
    row(`pass, ${CHANGED} workspaces recorded events (this version)`, 'active'),
    row('hourly walk, every destination (this version)', 'hourly'),
    row('full walk every 30 s (before: baseline)', 'walk'),
  ]);
  console.log(
    `\nActive workspaces' streams are woken when behind: ${last.active!.woken} of ${last.active!.destinations} (no worker runs here, so none catches up between passes).`,
  );
  await connection.close();
} finally {
  await b.close();
}
