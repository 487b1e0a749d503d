export { retentionPurge, scheduledRetentionPurge } from '../retention/retention-workflow.ts';
export { destinationStream, manualRedelivery, streamSupervisor, webhookTest } from '../delivery/stream-workflow.ts';
export { checkpointSeal } from '../checkpoints/seal-workflow.ts';
