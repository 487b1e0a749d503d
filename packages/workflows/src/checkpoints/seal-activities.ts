import { Context } from '@temporalio/activity';
import type { SigningKey } from '@audit/shared/integrity/signing';
import { stripCheckpointDoc, type Store } from '@audit/store';
import type { StreamWaker } from '../delivery/stream-waker.ts';
import type { LogSink, SealingObserver } from '../observer.ts';
import { announceCheckpoint } from './checkpoint-event.ts';
import { sealNext } from './seal-workspace.ts';

export interface CheckpointDeps {
  store: Store;
  clock: () => Date;
  key: SigningKey;
  waker: StreamWaker;
  log: LogSink;
  observer: SealingObserver;
}

export interface SealPassResult {
  workspaces: number;
  checkpoints: number;
  events: number;
}

/** Checkpoints per workspace per pass: a backlog (a long outage) is caught up over a few passes. */
const MAX_PER_WORKSPACE = 20;
const PAGE = 200;

export function createCheckpointActivities(deps: CheckpointDeps) {
  const { store } = deps;

  /** One workspace: repair an unannounced head, then seal until nothing new is stable. */
  async function sealWorkspace(workspaceId: string, eventSeq: number, result: SealPassResult): Promise<void> {
    const head = await store.checkpoints.head(workspaceId);
    if (head && !head.announced)
      await announceCheckpoint(deps, stripCheckpointDoc(head.checkpoint), head.checkpoint.nextClaim);
    // Nothing claimed since the last checkpoint: skip without walking the log.
    if (head && eventSeq < head.checkpoint.nextClaim) return;
    for (let i = 0; i < MAX_PER_WORKSPACE; i++) {
      const out = await sealNext(deps, workspaceId);
      if (!out.sealed) return;
      result.checkpoints++;
      result.events += out.sealed.count;
      await announceCheckpoint(deps, out.sealed, out.nextClaim);
      Context.current().heartbeat({ workspaceId, number: out.sealed.number });
    }
  }

  return {
    /**
     * A sealing pass over every workspace. The signing key is registered first, so every key
     * that ever signed is published at /.well-known/audit-log-keys.json before anything it signed
     * can be read.
     */
    async sealCheckpoints(): Promise<SealPassResult> {
      await store.signingKeys.register(deps.key.keyId, deps.key.publicKey, deps.clock());
      const result: SealPassResult = { workspaces: 0, checkpoints: 0, events: 0 };
      let after: string | null = null;
      let failed = 0;
      let firstError = '';
      for (;;) {
        const page = await store.workspaces.pageByPlan(['enterprise', 'team', 'free'], after, PAGE);
        const lastSeqs = await store.streamHeads.lastSeqs(page);
        for (const ws of page) {
          result.workspaces++;
          try {
            await sealWorkspace(ws._id, lastSeqs.get(ws._id) ?? 0, result);
          } catch (err) {
            // One workspace's trouble must not hold back the others' checkpoints; the pass then
            // fails, so Temporal retries it (workspaces already sealed find nothing new).
            failed++;
            firstError ||= `${ws._id}: ${String(err)}`;
            deps.log.warn({ workspaceId: ws._id, error: String(err) }, 'checkpoint sealing failed for a workspace');
          }
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1]!._id;
      }
      deps.observer.sealPass({ checkpoints: result.checkpoints, events: result.events, failedWorkspaces: failed });
      if (result.checkpoints > 0) deps.log.info({ ...result }, 'checkpoints sealed');
      if (failed > 0)
        throw new Error(
          `checkpoint sealing failed for ${failed} of ${result.workspaces} workspaces (first: ${firstError})`,
        );
      return result;
    },
  };
}

export type CheckpointActivities = ReturnType<typeof createCheckpointActivities>;
