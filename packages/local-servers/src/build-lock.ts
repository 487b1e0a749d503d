import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TOOLS_DIR } from './paths.ts';

const LOCK = join(TOOLS_DIR, 'build.lock');
/** A build takes a few minutes; a lock older than this was left by a process that died. */
const STALE_MS = 15 * 60_000;

/** Runs fn while holding the tools directory's build lock (a directory: creating it is atomic). */
export async function withBuildLock(log: (line: string) => void, fn: () => Promise<void>): Promise<void> {
  await mkdir(TOOLS_DIR, { recursive: true });
  let told = false;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const age = Date.now() - ((await stat(LOCK).catch(() => null))?.mtimeMs ?? Date.now());
      if (age > STALE_MS) await rm(LOCK, { recursive: true, force: true });
      if (!told) log('[tools] another process is building the tools; waiting for it');
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
