import { RateLimitWaitExceeded } from '@audit/client/retry-after';
import { CheckpointSchema, PurgeRecordSchema, type Checkpoint } from '@audit/shared/integrity/checkpoint';
import type { VerifyInput } from '@audit/shared/integrity/verify-core';
import type { Args } from './args.ts';
import { jsonFile, ndjson, ndjsonFile, SourceError } from './ndjson.ts';

type Loaded = VerifyInput;
type Online = Extract<Args, { mode: 'online' }>;
type Offline = Extract<Args, { mode: 'offline' }>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseKeys(doc: unknown, where: string): VerifyInput['keys'] {
  const keys = isObject(doc) ? doc.keys : undefined;
  if (
    !Array.isArray(keys) ||
    !keys.every((k) => isObject(k) && typeof k.keyId === 'string' && typeof k.publicKey === 'string')
  )
    throw new SourceError(`${where} is not a keys document ({ keys: [{ keyId, publicKey }] })`);
  return keys.map((k) => ({ keyId: k.keyId as string, publicKey: k.publicKey as string }));
}

export function parseEvent(v: unknown, where: string): VerifyInput['events'][number] {
  if (!isObject(v) || typeof v.id !== 'string' || typeof v.workspaceId !== 'string' || typeof v.seq !== 'number')
    throw new SourceError(`${where}: not an event (needs id, workspaceId and seq)`);
  return v as unknown as VerifyInput['events'][number];
}

/** A `{ type: 'checkpoint', ...Checkpoint, leaves }` or `{ type: 'purge', ...PurgeRecord }` line. */
export function parseCheckpointLine(v: unknown, where: string, into: Pick<Loaded, 'checkpoints' | 'purges'>): void {
  const type = isObject(v) ? v.type : undefined;
  if (type === 'checkpoint') {
    const c = CheckpointSchema.safeParse(v);
    const leaves = (v as { leaves?: unknown }).leaves;
    if (!c.success || !Array.isArray(leaves) || !leaves.every((l) => typeof l === 'string'))
      throw new SourceError(
        `${where}: not a checkpoint with leaves${c.success ? '' : ` (${c.error.issues[0]?.path.join('.')}: ${c.error.issues[0]?.message})`}`,
      );
    into.checkpoints.push({ ...c.data, leaves: leaves as string[] });
  } else if (type === 'purge') {
    const p = PurgeRecordSchema.safeParse(v);
    if (!p.success)
      throw new SourceError(
        `${where}: not a purge record (${p.error.issues[0]?.path.join('.')}: ${p.error.issues[0]?.message})`,
      );
    into.purges.push(p.data);
  } else {
    throw new SourceError(`${where}: expected type "checkpoint" or "purge"`);
  }
}

/** A held line: a bare Checkpoint, or a CloudEvent whose data.metadata is one; other CloudEvents are skipped. */
export function parseHeld(v: unknown, where: string): Checkpoint | null {
  let candidate = v;
  if (isObject(v) && 'specversion' in v) {
    if (v.type !== 'pro.atmos.audit.checkpoint') return null;
    candidate = isObject(v.data) ? v.data.metadata : undefined;
  }
  const c = CheckpointSchema.safeParse(candidate);
  if (!c.success) throw new SourceError(`${where}: not a checkpoint or a checkpoint CloudEvent`);
  return c.data;
}

async function readHeld(path: string | undefined): Promise<Checkpoint[] | undefined> {
  if (path === undefined) return undefined;
  const held: Checkpoint[] = [];
  let n = 0;
  for await (const v of ndjsonFile(path, '--held')) {
    const c = parseHeld(v, `--held ${path} line ${++n}`);
    if (c) held.push(c);
  }
  return held;
}

/** The workspace: --workspace, else the one the checkpoint lines name, else the one the events name. */
export function resolveWorkspace(explicit: string | undefined, loaded: Pick<Loaded, 'checkpoints' | 'events'>): string {
  if (explicit !== undefined) return explicit;
  for (const [what, list] of [
    ['checkpoint', loaded.checkpoints],
    ['event', loaded.events],
  ] as const) {
    const ids = [...new Set(list.map((x) => x.workspaceId))];
    if (ids.length > 1)
      throw new SourceError(
        `the ${what} lines name ${ids.length} workspaces (${ids.slice(0, 3).join(', ')}…): pass --workspace <ws_id>`,
      );
    if (ids.length === 1) return ids[0]!;
  }
  return '';
}

export async function loadOffline(args: Offline): Promise<Loaded> {
  const into: Loaded = {
    workspaceId: '',
    events: [],
    checkpoints: [],
    purges: [],
    keys: parseKeys(await jsonFile(args.keys, '--keys'), `--keys ${args.keys}`),
  };
  let n = 0;
  for await (const v of ndjsonFile(args.checkpoints, '--checkpoints'))
    parseCheckpointLine(v, `--checkpoints ${args.checkpoints} line ${++n}`, into);
  n = 0;
  for await (const v of ndjsonFile(args.events, '--events'))
    into.events.push(parseEvent(v, `--events ${args.events} line ${++n}`));
  const held = await readHeld(args.held);
  return { ...into, workspaceId: resolveWorkspace(args.workspace, into), ...(held && { held }) };
}

async function get(url: string, key: string | null, args: Online, fetchImpl: typeof fetch): Promise<Response> {
  let res: Response;
  try {
    res = await fetchImpl(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  } catch (err) {
    if (err instanceof RateLimitWaitExceeded) throw new SourceError(rateLimitedTooLong(url, err));
    throw new SourceError(`--url: GET ${url} failed: ${(err as Error).message}`);
  }
  if (res.ok && res.body) return res;
  const body = (await res.text().catch(() => '')).slice(0, 300);
  const hint =
    res.status === 401 || res.status === 403
      ? '; check --key (it needs events:read on an Enterprise workspace)'
      : res.status === 400 && !args.workspace
        ? '; an organization key needs --workspace <ws_id>'
        : '';
  throw new SourceError(`--url: GET ${url} answered ${res.status}${body ? `: ${body}` : ''}${hint}`);
}

function rateLimitedTooLong(url: string, err: RateLimitWaitExceeded): string {
  const more = err.retryAfterMs === null ? '' : ` for ${Math.ceil(err.retryAfterMs / 1000)} s more`;
  const budget = `the ${err.budgetMs / 1000} s the verifier waits out rate limits per request`;
  return `--url: GET ${url} is rate limited (429)${more}, past ${budget}; run it again later: ${err.apiMessage}`;
}

export async function loadOnline(args: Online, fetchImpl: typeof fetch = fetch): Promise<Loaded> {
  const ws = args.workspace ? `workspaceId=${encodeURIComponent(args.workspace)}` : '';
  const keys =
    args.keys !== undefined
      ? parseKeys(await jsonFile(args.keys, '--keys'), `--keys ${args.keys}`)
      : parseKeys(
          await (
            await get(`${args.url}/.well-known/audit-log-keys.json`, null, args, fetchImpl)
          )
            .json()
            .catch(() => null),
          `${args.url}/.well-known/audit-log-keys.json`,
        );
  const into: Loaded = { workspaceId: '', events: [], checkpoints: [], purges: [], keys };
  const chkUrl = `${args.url}/export/checkpoints${ws ? `?${ws}` : ''}`;
  let n = 0;
  for await (const v of ndjson((await get(chkUrl, args.key, args, fetchImpl)).body!, chkUrl))
    parseCheckpointLine(v, `${chkUrl} line ${++n}`, into);
  const evUrl = `${args.url}/export?format=ndjson${ws ? `&${ws}` : ''}`;
  n = 0;
  for await (const v of ndjson((await get(evUrl, args.key, args, fetchImpl)).body!, evUrl))
    into.events.push(parseEvent(v, `${evUrl} line ${++n}`));
  const held = await readHeld(args.held);
  return { ...into, workspaceId: resolveWorkspace(args.workspace, into), ...(held && { held }) };
}
