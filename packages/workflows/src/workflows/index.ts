export { retentionPurge, scheduledRetentionPurge } from '../retention/retention-workflow.ts';
export { deliverEvent, dispatchReconciler, webhookTest } from '../delivery/delivery-workflow.ts';
