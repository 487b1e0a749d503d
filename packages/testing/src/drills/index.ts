// Drills and benchmarks run the services as separate processes; nothing here needs vitest, so
// benchmarks (plain tsx scripts) can import it too.
export * from './api-process.ts';
export * from './drill-helpers.ts';
export * from './loss-report.ts';
export * from './worker-process.ts';
