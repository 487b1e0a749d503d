export * from './provided-keys.ts';
export * from './support.ts';
export * from './webhook-receiver.ts';
export * from './worker-suite.ts';
