import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { stopChild, type ManagedProcess } from './process.ts';

export const SERVICE_ENTRIES = {
  api: 'packages/api/src/main.ts',
  worker: 'packages/worker/src/main.ts',
} as const;

export type ServiceName = keyof typeof SERVICE_ENTRIES;

/**
 * Runs one of our own services from source the way `npm start` does (node with the tsx loader,
 * configured by environment), as a child that drills can kill and benchmarks can measure apart.
 */
export function startService(name: ServiceName, env: Record<string, string>, logFile: string): ManagedProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, SERVICE_ENTRIES[name])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { name, child, stop: () => stopChild(child) };
}

/** Polls until the URL answers 2xx; fails at once if the process exits first. */
export async function waitForHttpOk(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before ${url} answered`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
