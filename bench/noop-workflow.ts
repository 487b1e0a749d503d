import { proxyActivities } from '@temporalio/workflow';

/** Temporal's floor for the delivery benchmark: one workflow, one activity that does nothing. */
const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function noopWorkflow(): Promise<void> {
  await noop();
}
