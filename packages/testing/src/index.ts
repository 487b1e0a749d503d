export * from './provided-keys.ts';
export * from './support.ts';
