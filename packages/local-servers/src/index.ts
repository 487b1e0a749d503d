export * from './paths.ts';
export * from './process.ts';
export * from './servers.ts';
export * from './tools.ts';
export * from './service-process.ts';
