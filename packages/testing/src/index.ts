export * from './provided-keys.ts';
export * from './streams/stream-support.ts';
export * from './support.ts';
export * from './webhook-receiver.ts';
export * from './worker-suite.ts';
export * from './log-capture.ts';
export * from './flaky-proxy.ts';
export * from './integrity/integrity-support.ts';
