import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provided } from '@audit/testing';
import type { SupervisorActivities } from './supervisor-activities.ts';
import type { ReconcilePage, ReconcileReport, SupervisorReport } from './supervisor-types.ts';
import { PAGES_PER_RUN } from './supervisor-workflow.ts';

/** The supervisor workflows' own logic, on the real Temporal dev server, with stub activities. */
let client: Client;
let connection: NativeConnection;
const taskQueue = `supervisor-wf-${randomBytes(4).toString('hex')}`;
const asked: (string | null)[] = [];
let pages = 0;
let worker: Worker;
let running: Promise<void>;

const page = (i: number): ReconcilePage => ({
  destinations: 200,
  ensured: 200,
  woken: i % 2,
  failed: i === 3 ? 1 : 0,
  nextAfterId: i + 1 < pages ? `whk_${String(i).padStart(4, '0')}` : null,
});
const stubs: SupervisorActivities = {
  async superviseStreams(): Promise<SupervisorReport> {
    return {
      since: '2030-01-01T00:00:00.000Z',
      full: false,
      changed: 3,
      workspaces: 2,
      destinations: 4,
      ensured: 3,
      woken: 1,
      failed: 0,
    };
  },
  async reconcileStreams(input: { afterId: string | null }): Promise<ReconcilePage> {
    asked.push(input.afterId);
    return page(asked.length - 1);
  },
};

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already in this process.
  }
  connection = await NativeConnection.connect({ address: provided('temporalAddress') });
  worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: { codePath: provided('workflowBundlePath') },
    activities: stubs,
  });
  running = worker.run();
  client = new Client({ connection: await Connection.connect({ address: provided('temporalAddress') }) });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await client?.connection.close();
  await connection?.close();
});

const walk = async (n: number) => {
  asked.length = 0;
  pages = n;
  const handle = await client.workflow.start('streamReconciliation', {
    taskQueue,
    workflowId: `reconcile-${taskQueue}-${n}`,
    args: [],
  });
  return { handle, report: (await handle.result()) as ReconcileReport };
};

describe('the supervisor workflows', () => {
  it('returns the pass its activity made', async () => {
    const report = await client.workflow.execute('streamSupervisor', {
      taskQueue,
      workflowId: `supervise-${taskQueue}`,
      args: [],
    });
    expect(report).toEqual({
      since: '2030-01-01T00:00:00.000Z',
      full: false,
      changed: 3,
      workspaces: 2,
      destinations: 4,
      ensured: 3,
      woken: 1,
      failed: 0,
    });
  });

  it('walks page after page from where the last ended, and adds them up', async () => {
    const { report } = await walk(4);
    expect(asked).toEqual([null, 'whk_0000', 'whk_0001', 'whk_0002']);
    expect(report).toEqual({ destinations: 800, ensured: 800, woken: 2, failed: 1, pages: 4 });
  });

  it('continues as new with its cursor and totals after a run of pages, skipping and repeating none', async () => {
    const { handle, report } = await walk(PAGES_PER_RUN + 3);
    expect(asked).toEqual([
      null,
      ...Array.from({ length: PAGES_PER_RUN + 2 }, (_, i) => `whk_${String(i).padStart(4, '0')}`),
    ]);
    expect(report).toMatchObject({ pages: PAGES_PER_RUN + 3, destinations: 200 * (PAGES_PER_RUN + 3), failed: 1 });
    const first = await client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
  });
});
