/**
 * Task queues, workflow ids, schedule ids and search attributes: the names the API, the worker and
 * operators share. Deterministic ids are what make a repeated start a no-op.
 */
export const DEFAULT_TASK_QUEUE = 'audit-log';

export const SCHEDULE_IDS = {
  retentionPurge: 'audit-retention-purge-daily',
  streamSupervisor: 'audit-stream-supervisor',
  streamReconciliation: 'audit-stream-reconciliation',
  checkpointSeal: 'audit-checkpoint-seal',
} as const;

export const workflowIds = {
  /** One long-lived workflow per destination. */
  stream: (webhookId: string) => `stream:${webhookId}`,
  replay: (replayId: string) => `replay:${replayId}`,
  manualDelivery: (deliveryId: string) => `redeliver:${deliveryId}`,
  retentionRun: (runId: string) => `retention:${runId}`,
  /**
   * One lock id for every purge of a deployment (its task queue), so two can never run together;
   * deployments, or test files, sharing one Temporal namespace do not block each other.
   */
  retentionLock: (taskQueue: string) => `retention:purge:${taskQueue}`,
  supervise: () => 'stream-supervisor',
  /** One sealing pass at a time per deployment, like the purge lock. */
  checkpointSeal: (taskQueue: string) => `checkpoint:seal:${taskQueue}`,
};

/** Custom search attributes, registered on the dev server and listed in the README for clusters. */
export const SEARCH_ATTRIBUTES = {
  workspaceId: 'AuditWorkspaceId',
  webhookId: 'AuditWebhookId',
} as const;
