// Hostile-input generators and the invariants the hostile suites check after them.
export * from './hostile-arbitraries.ts';
export * from './hostile-inputs.ts';
export * from './hostile-requests.ts';
export * from './hostile-support.ts';
export * from './hostile-webhook-inputs.ts';
export * from './invariants.ts';
export * from './hostile-server.ts';
