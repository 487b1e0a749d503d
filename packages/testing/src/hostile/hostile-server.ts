import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '@audit/api';
import { openTestEnv, TEST_ADMIN_TOKEN, type Tenant, type TestEnv } from '../support.ts';

export interface HostileServer {
  env: TestEnv;
  /** Two Enterprise tenants: the one attacking and the one whose data must stay unseen. */
  a: Tenant;
  b: Tenant;
  url: string;
  /** Every kind of bearer a generated request may carry, by name. */
  tokens: Record<string, string | null>;
  close(): Promise<void>;
}

/**
 * The raw-HTTP hostile suites' server: the real app over a socket, without Temporal, so that a
 * fuzzed `admin.retention.runNow` or `webhooks.test` cannot start real workflows.
 */
export async function openHostileServer(config: Record<string, string> = {}): Promise<HostileServer> {
  const env = await openTestEnv(config);
  const a = await env.tenant('enterprise');
  const b = await env.tenant('enterprise');
  const server = createServer(createApp({ ...env.deps, temporal: null }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    env,
    a,
    b,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens: {
      tenantA: a.key,
      tenantB: b.key,
      admin: TEST_ADMIN_TOKEN,
      none: null,
      junk: 'not a token',
      revokedShape: `atk_${'A'.repeat(43)}`,
      huge: `atk_${'x'.repeat(8_000)}`,
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await env.close();
    },
  };
}
