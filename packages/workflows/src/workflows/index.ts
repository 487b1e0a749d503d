export { retentionPurge, scheduledRetentionPurge } from '../retention/retention-workflow.ts';
