import { proxyActivities } from '@temporalio/workflow';
import type { CheckpointActivities } from './seal-activities.ts';

const acts = proxyActivities<CheckpointActivities>({
  // A pass over many workspaces heartbeats after each checkpoint; the timeout only bounds a hung query.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

/**
 * One sealing pass, started by the checkpoint Schedule every CHECKPOINT_INTERVAL (overlap SKIP:
 * a slow pass is never doubled). It carries nothing: each workspace's position is its last
 * checkpoint, stored with it, so a pass that fails half-way is simply the next pass's start.
 */
export async function checkpointSeal(): Promise<{ workspaces: number; checkpoints: number; events: number }> {
  return acts.sealCheckpoints();
}
