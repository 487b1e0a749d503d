import { StreamWaker } from '@audit/workflows/stream-waker';
import type { ApiDeps } from '../deps.ts';

const wakers = new WeakMap<ApiDeps, StreamWaker>();

/**
 * One waker per set of deps, so its debounce and its pause after a failed call (Temporal down)
 * span record calls; tests that build their own deps (e.g. an unreachable Temporal) get their own.
 */
export function wakerFor(deps: ApiDeps): StreamWaker {
  let w = wakers.get(deps);
  if (!w) {
    w = new StreamWaker({
      store: deps.store,
      client: deps.temporal?.workflow ?? null,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      log: deps.log,
    });
    wakers.set(deps, w);
  }
  return w;
}
