import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Provided } from './provided-keys.ts';
import { ensureTools, freePort, startFerretDb, startTemporalDev, type RunningServer } from '@audit/local-servers';

/**
 * Starts one FerretDB and one Temporal dev server for the whole integration run; test files
 * attach to them over the network and isolate themselves by database name and task queue.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const tools = await ensureTools((l) => console.log(l));
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-it-'));
  const servers: RunningServer[] = [];
  try {
    const [ferret, temporal] = await Promise.all([
      startFerretDb(tools, { dataDir, port: await freePort() }),
      startTemporalDev(tools, { dataDir, port: await freePort(), uiPort: await freePort(), persist: false }),
    ]);
    servers.push(ferret, temporal);
    const { bundleWorkflows } = await import('./bundle-workflows.ts');
    const workflowBundlePath = await bundleWorkflows(dataDir);
    const provided: Provided = {
      mongodbUri: ferret.address,
      temporalAddress: temporal.address,
      temporalBinary: tools.temporal,
      workflowBundlePath,
    };
    const provide = project.provide as (key: string, value: unknown) => void;
    for (const [key, value] of Object.entries(provided)) provide(key, value);
    console.log(
      `[global-setup] FerretDB ${ferret.address}, Temporal ${temporal.address}, ready in ${Date.now() - started} ms`,
    );
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dataDir, { recursive: true, force: true });
  };
}
