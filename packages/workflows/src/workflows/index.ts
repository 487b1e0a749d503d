export { retentionPurge, scheduledRetentionPurge } from '../retention/retention-workflow.ts';
export { destinationStream, manualRedelivery, webhookTest } from '../delivery/stream-workflow.ts';
export { streamReconciliation, streamSupervisor } from '../delivery/supervisor/supervisor-workflow.ts';
export { checkpointSeal } from '../checkpoints/seal-workflow.ts';
