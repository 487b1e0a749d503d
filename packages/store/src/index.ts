// Re-exports only: modules inside the package import each other directly, never this file, so
// the entry point cannot take part in an import cycle.
export * from './api-keys-store.ts';
export * from './change-minute.ts';
export * from './create-store.ts';
export * from './documents.ts';
export * from './events-store.ts';
export * from './indexes.ts';
export * from './mongo.ts';
export * from './open-store.ts';
export * from './rate-limit-store.ts';
export * from './retention-runs-store.ts';
export * from './tenants-store.ts';
export * from './webhooks-store.ts';
export * from './deliveries-store.ts';
export * from './stream/stream-heads-store.ts';
export * from './stream/stream-log-store.ts';
export * from './stream/streams-store.ts';
export * from './stream/supervisor-state-store.ts';
export * from './integrity/checkpoints-store.ts';
export * from './integrity/purge-records-store.ts';
export * from './integrity/signing-keys-store.ts';
export * from './integrity/event-hash-of.ts';
