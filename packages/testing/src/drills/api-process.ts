import { join } from 'node:path';
import { startService, waitForHttpOk, type ManagedProcess } from '@audit/local-servers';

/** The admin token of every API process started here: drills and benchmarks only, never a deployment. */
export const PROCESS_ADMIN_TOKEN = 'local-admin-token-0123456789abcdef';

export interface ApiOptions {
  port: number;
  mongodbUri: string;
  db: string;
  temporalAddress: string;
  logDir: string;
  /** Any further configuration, e.g. pacing for a benchmark. */
  env?: Record<string, string>;
}

/** The API as `npm start` runs it: its own process, configured by environment only. */
export async function startApiProcess(o: ApiOptions): Promise<ManagedProcess> {
  const env = {
    PORT: String(o.port),
    MONGODB_URI: o.mongodbUri,
    MONGODB_DB: o.db,
    TEMPORAL_ADDRESS: o.temporalAddress,
    ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    // Drills and benchmarks send as fast as they can on one key; a rate-limit test passes its limits in `env`.
    RATE_LIMIT_ENABLED: 'false',
    ...o.env,
  };
  const proc = startService('api', env, join(o.logDir, 'api.log'));
  try {
    await waitForHttpOk(`http://127.0.0.1:${o.port}/healthz`, 60_000, proc.child);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  return proc;
}

export type Answer = { status: number; body: any } | { status: 'network'; error: string };

/** A tRPC mutation over plain HTTP that reports a dropped connection instead of throwing. */
export async function mutate(
  url: string,
  path: string,
  input: unknown,
  token: string,
  timeoutMs = 20_000,
): Promise<Answer> {
  try {
    const res = await fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text so the assertion shows what came back.
    }
    return { status: res.status, body };
  } catch (err) {
    return { status: 'network', error: String((err as Error).cause ?? err) };
  }
}

export async function createTenantOverHttp(
  url: string,
  plan: 'enterprise' | 'team' | 'free' = 'enterprise',
): Promise<{ organizationId: string; workspaceId: string; key: string }> {
  const call = async (path: string, input: unknown) => {
    const r = await mutate(url, path, input, PROCESS_ADMIN_TOKEN);
    if (r.status !== 200) throw new Error(`${path} answered ${JSON.stringify(r)}`);
    return (r as { body: { result: { data: any } } }).body.result.data;
  };
  const org = await call('admin.organizations.create', { name: 'local' });
  const ws = await call('admin.workspaces.create', { organizationId: org.id, name: `${plan} workspace`, plan });
  const key = await call('admin.apiKeys.create', { workspaceId: ws.id, scopes: ['events:write', 'events:read'] });
  return { organizationId: org.id, workspaceId: ws.id, key: key.key };
}
