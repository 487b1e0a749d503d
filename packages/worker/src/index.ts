export * from './create-worker.ts';
export * from './schedules.ts';
