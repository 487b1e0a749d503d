import { Dispatcher } from '@audit/workflows/dispatcher';
import type { ApiDeps } from '../deps.ts';

const dispatchers = new WeakMap<ApiDeps, Dispatcher>();

/**
 * One dispatcher per set of deps, so its pause after a failed start (Temporal down) spans
 * record calls; tests that build their own deps (e.g. an unreachable Temporal) get their own.
 */
export function dispatcherFor(deps: ApiDeps): Dispatcher {
  let d = dispatchers.get(deps);
  if (!d) {
    d = new Dispatcher({
      store: deps.store,
      client: deps.temporal?.workflow ?? null,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      clock: deps.clock,
      log: deps.log,
      // A healthy start takes milliseconds; past this the reconciler is the better path.
      startTimeoutMs: 1_500,
      pauseAfterFailureMs: 10_000,
    });
    dispatchers.set(deps, d);
  }
  return d;
}
