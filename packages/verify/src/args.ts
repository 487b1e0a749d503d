/** Command-line arguments of `npm run verify`. */

export class UsageError extends Error {}

interface Common {
  workspace?: string;
  since?: Date;
  held?: string;
  json: boolean;
}
export type Args =
  | ({ mode: 'offline'; events: string; checkpoints: string; keys: string } & Common)
  | ({ mode: 'online'; url: string; key: string; keys?: string } & Common)
  | { mode: 'help' };

export const USAGE = `Verify an audit log against its signed checkpoints.

Offline, from an export:
  npm run verify -- --events <export.ndjson> --checkpoints <checkpoints.ndjson> --keys <keys.json> [--held <file>]
Online, against the service:
  npm run verify -- --url <base URL> --key <API key> [--workspace <ws_id>] [--since <ISO time>] [--keys <file>] [--held <file>]

  --held <file>   checkpoints as your SIEM received them (NDJSON: checkpoints or their CloudEvents)
  --keys <file>   the /.well-known/audit-log-keys.json document (online: pins the keys instead of fetching)
  --since <time>  only checkpoints sealed at or after the time, and the events they cover
  --json          print the report as JSON
Exit status: 0 when everything holds, 1 on findings, 2 on usage or I/O errors.`;

const VALUED = ['events', 'checkpoints', 'keys', 'held', 'url', 'key', 'workspace', 'since'] as const;
type Valued = (typeof VALUED)[number];

export function parseArgs(argv: string[]): Args {
  const v: Partial<Record<Valued, string>> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { mode: 'help' };
    if (arg === '--json') {
      json = true;
      continue;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    if (!m || !(VALUED as readonly string[]).includes(m[1]!))
      throw new UsageError(m ? `unknown flag --${m[1]}` : `unexpected argument ${JSON.stringify(arg)}`);
    const name = m[1] as Valued;
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
    if (v[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    v[name] = value;
  }
  let since: Date | undefined;
  if (v.since !== undefined) {
    since = new Date(v.since);
    if (Number.isNaN(since.getTime()) || !/^\d{4}-\d\d-\d\d/.test(v.since))
      throw new UsageError(`--since must be an ISO time such as 2024-05-01T00:00:00Z, not ${JSON.stringify(v.since)}`);
  }
  const common = {
    json,
    ...(v.workspace !== undefined && { workspace: v.workspace }),
    ...(since && { since }),
    ...(v.held !== undefined && { held: v.held }),
  };
  if (v.url !== undefined || v.key !== undefined) {
    if (v.url === undefined) throw new UsageError('--key needs --url <base URL> of the service');
    if (v.key === undefined) throw new UsageError('--url needs --key <API key>');
    for (const offline of ['events', 'checkpoints'] as const)
      if (v[offline] !== undefined)
        throw new UsageError(`--${offline} is for offline checks and cannot be combined with --url`);
    let url: URL;
    try {
      url = new URL(v.url);
    } catch {
      throw new UsageError(`--url must be an http(s) URL, not ${JSON.stringify(v.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--url must be an http(s) URL, not ${JSON.stringify(v.url)}`);
    return {
      mode: 'online',
      url: url.href.replace(/\/+$/, ''),
      key: v.key,
      ...(v.keys !== undefined && { keys: v.keys }),
      ...common,
    };
  }
  const missing = (['events', 'checkpoints', 'keys'] as const).filter((f) => v[f] === undefined);
  if (missing.length === 3)
    throw new UsageError('give --events, --checkpoints and --keys (offline) or --url and --key (online)');
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((f) => `--${f}`).join(', ')}`);
  return { mode: 'offline', events: v.events!, checkpoints: v.checkpoints!, keys: v.keys!, ...common };
}
