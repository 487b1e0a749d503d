import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_DIR } from '@audit/local-servers';

/**
 * Local mode only: a first `npm start` creates an organization "Demo" with one Enterprise
 * workspace and a key holding every scope, so a new user can sign in to the viewer and add a
 * destination without a single curl. The key is kept in .data/demo-key (git-ignored) and reused;
 * against configured servers nothing is created.
 */
export async function ensureDemoKey(apiUrl: string, adminToken: string): Promise<string> {
  const file = join(DATA_DIR, 'demo-key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const admin = async (path: string, input: Record<string, unknown>) => {
    const res = await fetch(`${apiUrl}/trpc/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: Record<string, string> }; error?: { message: string } };
    if (!body.result) throw new Error(`${path}: ${body.error?.message ?? `HTTP ${res.status}`}`);
    return body.result.data;
  };
  const org = await admin('admin.organizations.create', { name: 'Demo' });
  const ws = await admin('admin.workspaces.create', { organizationId: org.id, name: 'demo', plan: 'enterprise' });
  const { key } = await admin('admin.apiKeys.create', {
    workspaceId: ws.id,
    scopes: ['events:write', 'events:read', 'webhooks:manage'],
  });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key!;
}
