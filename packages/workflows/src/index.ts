export * from './activities.ts';
export * from './paths.ts';
export { DEFAULT_PACING, type RetentionPacing } from './retention/retention-activities.ts';
export type { RetentionPurgeInput } from './retention/retention-workflow.ts';
