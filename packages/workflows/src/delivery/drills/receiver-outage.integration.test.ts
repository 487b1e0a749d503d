import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@audit/local-servers';
import type { AttemptDoc, DeliveryDoc } from '@audit/store';
import { eventually, openTestEnv, startReceiver, type Receiver, type TestEnv } from '@audit/testing';
import { clean, deliveryDrillEvent, lossReport, unsettled } from '@audit/testing/drills';

/**
 * The drill is a two-minute outage (DRILL_RECEIVER_OUTAGE_MS=120000, about four minutes
 * in all); CI runs the same shape twelve times faster. The schedule scales with the outage so
 * the receiver comes back between the fifth and sixth attempts either way.
 */
const OUTAGE_MS = Number(process.env.DRILL_RECEIVER_OUTAGE_MS ?? 12_000);
const SCHEDULE = [0, 1 / 24, 1 / 8, 1 / 4, 1 / 2, 1, 1].map((f) => Math.round(f * OUTAGE_MS));
const EVENTS = 20;
/**
 * What an attempt adds to its wait: the attempt's own stores, a workflow task and the next
 * activity's reads. Seconds on a loaded two-core machine; never a reason to be early.
 */
const SLACK_MS = Number(process.env.DRILL_SCHEDULE_SLACK_MS ?? 5_000);

let env: TestEnv;
let rx: Receiver | undefined;
beforeAll(async () => {
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: SCHEDULE.join(',') });
});
afterAll(async () => {
  await rx?.close();
  await env?.close();
});

describe('fault drill: the receiver is down, then back', () => {
  it(
    `retries each batch whole on the configured schedule through a ${OUTAGE_MS} ms outage and delivers everything once, in order`,
    async () => {
      await env.startWorker();
      const t = await env.tenant('enterprise');
      const port = await freePort();
      const { secret } = await t.caller.webhooks.create({ url: `http://127.0.0.1:${port}/hook`, categories: ['lock'] });
      const wentDown = Date.now();
      const recorded = await Promise.all(
        Array.from({ length: EVENTS }, (_, i) => t.caller.events.record(deliveryDrillEvent(i))),
      );
      // In seq order: the order the stream owes the receiver.
      const ids = recorded.sort((a, b) => a.seq - b.seq).map((e) => e.id);

      await new Promise((r) => setTimeout(r, wentDown + OUTAGE_MS - Date.now()));
      rx = await startReceiver(undefined, { port });
      const backAt = Date.now();
      await eventually(
        async () => lossReport(ids, rx!.requests, secret).missing.length === 0,
        OUTAGE_MS * 2 + 30_000,
        `all ${EVENTS} events at the receiver`,
      );
      const deliveries: DeliveryDoc[] = await eventually(
        async () => {
          const docs = await env.deps.store.deliveries.col.find({ workspaceId: t.workspaceId }).toArray();
          return unsettled(ids, docs).length === 0 ? docs : null;
        },
        30_000,
        'every batch settled',
      );

      const attempts = await env.deps.store.deliveries.attempts.find({ workspaceId: t.workspaceId }).toArray();
      const ofBatch = (d: DeliveryDoc) =>
        attempts.filter((a) => a.deliveryId === d._id).sort((a, b) => a.attempt - b.attempt);
      const problems = deliveries.flatMap((d) => scheduleProblems(d._id, ofBatch(d), backAt));
      const counts = deliveries.map((d) => `${d.eventIds.length} events/${ofBatch(d).length} attempts`);
      const report = lossReport(ids, rx.requests, secret);
      console.log(
        `[measure] receiver down ${OUTAGE_MS} ms, schedule ${SCHEDULE.join(',')} ms; ${EVENTS} events in ${deliveries.length} batches (${counts.join('; ')}); ` +
          `${attempts.length} attempts in all; last arrival ${Math.max(...rx.requests.map((r) => r.at)) - backAt} ms after the receiver came back`,
      );
      expect(problems).toEqual([]);
      // The first batch waited out the outage; none was opened behind it while it did.
      expect(ofBatch(deliveries.sort((a, b) => a.seqs[0]! - b.seqs[0]!)[0]!).length).toBeGreaterThan(1);
      expect(report).toEqual({ ...clean(report), duplicates: 0, batches: deliveries.length });
      // A refused connection reaches no receiver: every request that arrived succeeded the first time.
      expect(rx.requests).toHaveLength(deliveries.length);
    },
    OUTAGE_MS * 4 + 120_000,
  );
});

/**
 * Every wait as configured (never early, at most jitter plus slack late), failures only while the
 * receiver was down, and then success: with the waits on schedule, that is the first attempt after.
 */
function scheduleProblems(deliveryId: string, attempts: AttemptDoc[], backAt: number): string[] {
  const problems: string[] = [];
  const last = attempts.at(-1);
  if (!last || last.status !== 'succeeded') return [`${deliveryId}: no successful attempt`];
  attempts.forEach((a, i) => {
    const at = a.startedAt.getTime();
    if (a.attempt !== i + 1) problems.push(`${deliveryId}: attempt ${i + 1} numbered ${a.attempt}`);
    if (a !== last && (a.status !== 'failed' || at >= backAt || a.responseStatus !== null))
      problems.push(`${deliveryId} #${a.attempt}: ${a.status} at +${at - backAt} ms, ${a.error}`);
    if (a === last && at < backAt)
      problems.push(`${deliveryId}: succeeded ${backAt - at} ms before the receiver was back`);
    if (i === 0) return;
    const gap = at - attempts[i - 1]!.startedAt.getTime();
    const planned = SCHEDULE[i]!;
    if (gap < planned * 0.9 - 5 || gap > planned * 1.1 + SLACK_MS)
      problems.push(
        `${deliveryId} #${a.attempt}: ${gap} ms after the previous attempt, schedule says ${planned} ms ±10 %`,
      );
  });
  return problems;
}
