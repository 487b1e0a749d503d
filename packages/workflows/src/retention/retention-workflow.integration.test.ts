import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provided } from '@audit/testing';
import type { OpenRunInput, PageInput, PageResult, RetentionActivities } from './retention-activities.ts';
import type { RetentionPurgeInput } from './retention-workflow.ts';

type CloseInput = Parameters<RetentionActivities['closeRetentionRun']>[0];

/** The workflow's own logic on the real Temporal dev server, with activities played by stubs. */
const WORKSPACES = ['ws_a', 'ws_b', 'ws_c', 'ws_d', 'ws_e', 'ws_f', 'ws_g'];

let client: Client;
let connection: NativeConnection;
beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Another file in this process installed it first.
  }
  connection = await NativeConnection.connect({ address: provided('temporalAddress') });
  client = new Client({ connection: await Connection.connect({ address: provided('temporalAddress') }) });
});
afterAll(async () => {
  await client?.connection.close();
  await connection?.close();
});

interface Script {
  /** The first call to reach this workspace stops before it, as a call whose batches ran out does. */
  cutShortAt?: string;
  /** The call starting after this workspace fails for good. */
  failAfter?: string;
}

function stubActivities(script: Script) {
  const calls = { open: [] as OpenRunInput[], pages: [] as PageInput[], close: [] as CloseInput[] };
  let cut = false;
  const activities: RetentionActivities = {
    async openRetentionRun(input) {
      calls.open.push(input);
    },
    async purgeWorkspacePage(input): Promise<PageResult> {
      calls.pages.push(input);
      if (script.failAfter !== undefined && input.afterId === script.failAfter) {
        throw ApplicationFailure.nonRetryable('store unreachable');
      }
      const page = WORKSPACES.filter((id) => input.afterId === null || id > input.afterId).slice(0, input.limit);
      const stop = page.indexOf(script.cutShortAt ?? '');
      if (stop >= 0 && !cut) {
        cut = true;
        return { afterId: stop === 0 ? input.afterId : page[stop - 1]!, checked: stop + 1, done: false };
      }
      return { afterId: page.at(-1) ?? input.afterId, checked: page.length, done: page.length < input.limit };
    },
    async closeRetentionRun(input) {
      calls.close.push(input);
    },
  };
  return { calls, activities };
}

async function run(script: Script, tuning: Partial<RetentionPurgeInput>) {
  const taskQueue = `retention-wf-${randomBytes(4).toString('hex')}`;
  const { calls, activities } = stubActivities(script);
  const workflowBundle = { codePath: provided('workflowBundlePath') };
  const worker = await Worker.create({ connection, taskQueue, workflowBundle, activities });
  const runId = `ret_${randomBytes(6).toString('hex')}`;
  const input: RetentionPurgeInput = { runId, asOf: '2026-11-30T03:00:00.000Z', trigger: 'manual', ...tuning };
  const outcome = await worker.runUntil(
    client.workflow.execute('retentionPurge', { workflowId: `retention:wf:${runId}`, taskQueue, args: [input] }).then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    ),
  );
  let runs = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = 'retention:wf:${runId}'` })) runs += 1;
  return { ...outcome, calls, runId, runs };
}

describe('retentionPurge with stub activities', () => {
  it('walks page by page from each returned position, again from one cut short, then closes the run', async () => {
    const { result, error, calls, runId } = await run({ cutShortAt: 'ws_e' }, { workspacePage: 3 });
    expect(error).toBeNull();
    expect(result).toEqual({ runId });
    expect(calls.open).toHaveLength(1);
    expect(calls.open[0]).toMatchObject({ runId, trigger: 'manual', workflowId: `retention:wf:${runId}` });
    expect(calls.pages.map((p) => p.afterId)).toEqual([null, 'ws_c', 'ws_d', 'ws_g']);
    for (const p of calls.pages) expect(p).toMatchObject({ limit: 3, runId, asOf: '2026-11-30T03:00:00.000Z' });
    expect(calls.close).toEqual([{ runId }]);
  });

  it('continues as new with its position and opens the run only once', async () => {
    const { error, calls, runId, runs } = await run({}, { workspacePage: 1, maxHistory: 12 });
    expect(error).toBeNull();
    expect(runs).toBeGreaterThan(1);
    expect(calls.open).toHaveLength(1);
    expect(calls.pages.map((p) => p.afterId)).toEqual([null, ...WORKSPACES]);
    expect(calls.close).toEqual([{ runId }]);
  });

  it('closes the run as failed when a page call fails for good', async () => {
    const { error, calls, runId } = await run({ failAfter: 'ws_b' }, { workspacePage: 2 });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(calls.pages.map((p) => p.afterId)).toEqual([null, 'ws_b']);
    expect(calls.close).toHaveLength(1);
    expect(calls.close[0]!.runId).toBe(runId);
    expect(calls.close[0]!.error).toMatch(/Activity task failed/);
  });
});
