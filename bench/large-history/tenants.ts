import { mutate, PROCESS_ADMIN_TOKEN } from '@audit/testing/drills';

/** An organization of Enterprise workspaces, the first of them the one measured, with read keys. */
export interface Org {
  organizationId: string;
  /** Sorted by id, as the organization's workspaces are listed; `main` is one of them. */
  workspaceIds: string[];
  main: string;
  /** `events:read` on `main` only. */
  workspaceKey: string;
  /** `events:read` over the whole organization (organization scope). */
  orgKey: string;
}

async function admin(url: string, path: string, input: unknown): Promise<any> {
  const r = await mutate(url, path, input, PROCESS_ADMIN_TOKEN);
  if (r.status !== 200) throw new Error(`${path} answered ${JSON.stringify(r)}`);
  return (r as { body: { result: { data: unknown } } }).body.result.data;
}

/** Through the admin API, as an operator would: the organization, `count` workspaces and two keys. */
export async function createOrg(url: string, name: string, count: number): Promise<Org> {
  const org = await admin(url, 'admin.organizations.create', { name });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const workspace = { organizationId: org.id, name: i === 0 ? `${name} main` : `${name} ${i}`, plan: 'enterprise' };
    const ws = await admin(url, 'admin.workspaces.create', workspace);
    ids.push(ws.id);
  }
  const workspaceKey = (await admin(url, 'admin.apiKeys.create', { workspaceId: ids[0], scopes: ['events:read'] })).key;
  const orgKey = (await admin(url, 'admin.apiKeys.create', { organizationId: org.id, scopes: ['events:read'] })).key;
  return { organizationId: org.id, workspaceIds: [...ids].sort(), main: ids[0]!, workspaceKey, orgKey };
}
