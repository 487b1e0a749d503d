import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually, openTestEnv, type TestEnv } from '@audit/testing';
import { StreamWaker } from './stream-waker.ts';

/**
 * The record path's destination look-up: read from the workspace document the request already
 * loaded, on the real store and a real Temporal client (no worker: a started stream just waits).
 */
let env: TestEnv;
let waker: StreamWaker;
beforeAll(async () => {
  env = await openTestEnv();
  waker = new StreamWaker({
    store: env.deps.store,
    client: env.deps.temporal!.workflow,
    taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
    debounceMs: 0,
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await env?.close();
});

const workspace = async (id: string) => (await env.deps.store.workspaces.findById(id))!;
const streamStatus = async (webhookId: string) =>
  (
    await env.deps
      .temporal!.workflow.getHandle(`stream:${webhookId}`)
      .describe()
      .catch(() => null)
  )?.status.name ?? 'MISSING';

describe('the record path', () => {
  it('looks nothing up in a workspace without an enabled destination', async () => {
    const t = await env.tenant('enterprise');
    const lookups = vi.spyOn(env.deps.store.webhooks, 'listEnabledForWorkspace');
    expect((await workspace(t.workspaceId)).hasEnabledWebhooks).toBe(false);
    waker.notify(await workspace(t.workspaceId), ['lock']);
    expect(lookups).not.toHaveBeenCalled();

    // All of its destinations disabled counts as none.
    const { webhook } = await t.caller.webhooks.create({ url: 'http://127.0.0.1:9/hook', categories: ['lock'] });
    expect((await workspace(t.workspaceId)).hasEnabledWebhooks).toBe(true);
    await t.caller.webhooks.update({ id: webhook.id, enabled: false });
    lookups.mockClear();
    waker.notify(await workspace(t.workspaceId), ['lock']);
    expect(lookups).not.toHaveBeenCalled();
  });

  it('looks once in a workspace stored before the flag, and learns it', async () => {
    const t = await env.tenant('enterprise');
    await env.deps.store.workspaces.col.updateOne({ _id: t.workspaceId }, { $unset: { hasEnabledWebhooks: '' } });
    const lookups = vi.spyOn(env.deps.store.webhooks, 'listEnabledForWorkspace');
    waker.notify(await workspace(t.workspaceId), ['lock']);
    expect(lookups).toHaveBeenCalledTimes(1);
    await eventually(
      async () => (await workspace(t.workspaceId)).hasEnabledWebhooks === false,
      5_000,
      'the flag learnt',
    );
    waker.notify(await workspace(t.workspaceId), ['lock']);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('looks the enabled destinations up once and wakes a destination created a moment ago', async () => {
    const t = await env.tenant('enterprise');
    const { webhook } = await t.caller.webhooks.create({ url: 'http://127.0.0.1:9/hook', categories: ['lock'] });
    // A second one straight into the store: nothing but the record path tells Temporal about it.
    const hook = (await env.deps.store.webhooks.findForWorkspace(t.workspaceId, webhook.id))!;
    const fresh = { ...hook, _id: `${hook._id}x`, createdAt: new Date(), updatedAt: new Date() };
    await env.deps.store.webhooks.insert(fresh);
    const ws = await workspace(t.workspaceId);
    expect(ws.hasEnabledWebhooks).toBe(true);

    expect(await streamStatus(fresh._id)).toBe('MISSING');
    const lookups = vi.spyOn(env.deps.store.webhooks, 'listEnabledForWorkspace');
    waker.notify(ws, ['lock']);
    expect(lookups).toHaveBeenCalledTimes(1);
    await eventually(async () => (await streamStatus(fresh._id)) === 'RUNNING', 10_000, 'the new destination woken');
  });
});
