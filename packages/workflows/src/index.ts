export * from './activities.ts';
export * from './paths.ts';
export { DEFAULT_PACING, type RetentionPacing } from './retention/retention-activities.ts';
export type { RetentionPurgeInput } from './retention/retention-workflow.ts';
export { StreamWaker, streamSearchAttributes, type StreamWakerDeps } from './delivery/stream-waker.ts';
export { newLiveStream } from './delivery/stream-activities.ts';
export type { DeliverySettings } from './delivery/delivery-settings.ts';
export { systemResolver, type Resolver } from './delivery/guarded-post.ts';
export type { StepResult, StreamInput, StreamState, TestDeliveryResult } from './delivery/stream-types.ts';
export { deliverySettingsFrom } from './delivery/delivery-settings.ts';
export { supervisorSettingsFrom, type SupervisorSettings } from './delivery/supervisor/supervisor-settings.ts';
export { reconcilePage, supervisePass } from './delivery/supervisor/supervise-pass.ts';
export type { SupervisorDeps } from './delivery/supervisor/supervise-batch.ts';
export type {
  ReconcilePage,
  ReconcileReport,
  SupervisorCounts,
  SupervisorReport,
} from './delivery/supervisor/supervisor-types.ts';
export {
  quietLog,
  quietObserver,
  type ActivityObserver,
  type AttemptReport,
  type DeliveryObserver,
  type LogSink,
  type RetentionObserver,
  type StreamPosition,
} from './observer.ts';
export { signingKeyFrom, MISSING_SIGNING_KEY_MESSAGE } from './checkpoints/signing-key.ts';
export { sealNext, MAX_CHECKPOINT_EVENTS } from './checkpoints/seal-workspace.ts';
export { checkpointEventKey } from './checkpoints/checkpoint-event.ts';
