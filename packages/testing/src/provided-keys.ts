import { inject } from 'vitest';

/** What the integration global setup hands every test file. */
export interface Provided {
  mongodbUri: string;
  temporalAddress: string;
  temporalBinary: string;
  workflowBundlePath: string;
}

export function provided<K extends keyof Provided>(key: K): Provided[K] {
  return (inject as (k: string) => unknown)(key) as Provided[K];
}
