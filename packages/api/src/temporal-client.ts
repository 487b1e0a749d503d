import { Connection, WorkflowClient } from '@temporalio/client';
import type { Config } from '@audit/shared';

/**
 * Lazy: the API starts and records events while Temporal is down; what could not be started
 * is picked up later (see the stream supervisor).
 */
export function createTemporal(config: Config): { connection: Connection; workflow: WorkflowClient } {
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  return { connection, workflow: new WorkflowClient({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
}
