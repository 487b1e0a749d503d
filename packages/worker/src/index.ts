export * from './create-worker.ts';
export * from './schedules.ts';
export { createWorkerMetrics, type WorkerMetrics } from './observability/worker-metrics.ts';
export { startWorkerHttp, type WorkerHttp, type WorkerHttpOptions } from './observability/worker-http.ts';
export { workerReadiness, type Readiness, type ReadinessSources } from './observability/readiness.ts';
