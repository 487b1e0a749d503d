import { appendFile, writeFile } from 'node:fs/promises';

const HEADER =
  '# Benchmark results\n\nDated sections appended by the benchmarks, newest last: each names its ' +
  'command and settings, with figures as measured on the machine named.\n';

/**
 * Appends a section to a results file (bench/RESULTS.md), creating it with its header first if
 * it is missing; several benchmarks append to the same file.
 */
export async function appendResultSection(path: string, section: string): Promise<void> {
  await writeFile(path, HEADER, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await appendFile(path, `\n${section}`);
}

/** `2026-12-03 15:03 UTC`: the minute a run started, as section titles give it. */
export const resultStamp = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
