import { DEFAULT_RETRY, retryingFetch } from '@audit/client/retrying-fetch';
import type { Sleep } from '@audit/client/retry-after';
import { verifyLog } from '@audit/shared/integrity/verify-core';
import { parseArgs, UsageError, USAGE } from './args.ts';
import { SourceError } from './ndjson.ts';
import { formatReport } from './report.ts';
import { applySince } from './since.ts';
import { loadOffline, loadOnline } from './sources.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  fetch?: typeof fetch;
  /** How waits between attempts pass (tests note them instead of waiting). */
  sleep?: Sleep;
}

const stdio: Io = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };

/** Runs the verifier; resolves to the exit status: 0 all holds, 1 findings, 2 usage or I/O error. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.mode === 'help') {
      io.out(USAGE);
      return 0;
    }
    // One run makes two exports, and a key may make 5 a minute: a few runs in a row meet the limit
    // (429), which is waited out as the client waits it out, and so are brief outages (503).
    const fetchImpl = retryingFetch(io.fetch ?? fetch, DEFAULT_RETRY, io.sleep);
    let input = args.mode === 'offline' ? await loadOffline(args) : await loadOnline(args, fetchImpl);
    if (args.since) input = applySince(input, args.since);
    const report = verifyLog(input);
    const source = args.mode === 'offline' ? args.events : args.url;
    io.out(
      args.json
        ? JSON.stringify(report, null, 2)
        : formatReport(report, { workspaceId: input.workspaceId, source, ...(args.since && { since: args.since }) }),
    );
    return report.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) io.err(`verify: ${err.message}\n\n${USAGE}`);
    else if (err instanceof SourceError) io.err(`verify: ${err.message}`);
    else io.err(`verify: ${(err as Error).stack ?? String(err)}`);
    return 2;
  }
}
