export * from './logger.ts';
export * from './metrics-registry.ts';
export * from './redaction.ts';
