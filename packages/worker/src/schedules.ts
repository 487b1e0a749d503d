import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { PURGE_HOUR_UTC, SCHEDULE_IDS } from '@audit/shared';

export interface ScheduleDefinition {
  scheduleId: string;
  spec: ScheduleOptions['spec'];
  action: ScheduleOptions['action'];
  policies: NonNullable<ScheduleOptions['policies']>;
  note: string;
}

/**
 * Creates the Schedule, or brings an existing one to this definition: running it twice, or
 * after the definition changed, leaves exactly one Schedule with the current spec and action.
 */
export async function ensureSchedule(client: Client, def: ScheduleDefinition): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({
      scheduleId: def.scheduleId,
      spec: def.spec,
      action: def.action,
      policies: def.policies,
      state: { note: def.note },
      memo: { description: def.note },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(def.scheduleId).update((prev) => ({
    ...prev,
    spec: def.spec,
    action: def.action,
    policies: { ...prev.policies, ...def.policies },
    state: { ...prev.state, note: def.note },
  }));
  return 'updated';
}

export function retentionScheduleDefinition(
  taskQueue: string,
  hourUtc: number = PURGE_HOUR_UTC,
  scheduleId: string = SCHEDULE_IDS.retentionPurge,
): ScheduleDefinition {
  const hh = String(hourUtc).padStart(2, '0');
  return {
    scheduleId,
    spec: { calendars: [{ hour: hourUtc, minute: 0, second: 0, comment: `daily at ${hh}:00 UTC` }], timezone: 'UTC' },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledRetentionPurge',
      taskQueue,
      workflowId: `${scheduleId}-run`,
      args: [],
    },
    // A purge missed by an outage of up to six hours still runs when the server returns.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
    note: `Daily retention purge at ${hh}:00 UTC: deletes audit events older than each workspace's plan retention (Enterprise 365 days, other plans 30).`,
  };
}

/**
 * Every 30 seconds: the destinations created or changed, and the workspaces that recorded events,
 * since the last pass have their streams running, and one that sleeps behind its workspace (a
 * wake-up lost while Temporal was down) is woken. Scheduled by Temporal itself, so it runs within
 * one interval of Temporal coming back; SKIP keeps a slow pass from piling up behind itself.
 */
export function supervisorScheduleDefinition(
  taskQueue: string,
  scheduleId: string = SCHEDULE_IDS.streamSupervisor,
  every = '30 seconds',
): ScheduleDefinition {
  return {
    scheduleId,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'streamSupervisor',
      taskQueue,
      workflowId: `${scheduleId}-run`,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    note: `Stream supervisor every ${every}: starts streams of destinations changed since its last pass, wakes those behind.`,
  };
}

/**
 * Every hour: every enabled destination's stream is made sure to run, page by page, behind the
 * passes that look only at what changed (a workflow lost from Temporal, say). A missed hour is
 * covered by the next.
 */
export function reconciliationScheduleDefinition(
  taskQueue: string,
  scheduleId: string = SCHEDULE_IDS.streamReconciliation,
  every = '1 hour',
): ScheduleDefinition {
  return {
    scheduleId,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'streamReconciliation',
      taskQueue,
      workflowId: `${scheduleId}-run`,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    note: `Stream reconciliation every ${every}: walks every enabled destination, starts missing streams, wakes those behind.`,
  };
}

/**
 * Every CHECKPOINT_INTERVAL: seal a checkpoint per workspace with new events. SKIP keeps one pass
 * at a time; the catch-up window is one interval, since a missed pass is covered by the next.
 */
export function checkpointScheduleDefinition(
  taskQueue: string,
  intervalMs: number,
  scheduleId: string = SCHEDULE_IDS.checkpointSeal,
): ScheduleDefinition {
  const every = `${Math.round(intervalMs / 1000)} seconds`;
  return {
    scheduleId,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'checkpointSeal',
      taskQueue,
      workflowId: `${scheduleId}-run`,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    note: `Checkpoint sealing every ${every}: a signed, chained Merkle checkpoint per workspace over the events recorded since the last one.`,
  };
}
