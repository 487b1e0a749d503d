export * from './activities.ts';
export * from './paths.ts';
export { DEFAULT_PACING, type RetentionPacing } from './retention/retention-activities.ts';
export type { RetentionPurgeInput } from './retention/retention-workflow.ts';
export { Dispatcher, type DispatcherDeps, type DispatchPlan } from './delivery/dispatcher.ts';
export type { DeliverySettings } from './delivery/delivery-activities.ts';
export { systemResolver, type Resolver } from './delivery/guarded-post.ts';
export type { DeliverInput, DeliverResult, TestDeliveryResult } from './delivery/delivery-types.ts';
export { deliverySettingsFrom } from './delivery/delivery-settings.ts';
