import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const MARKER = '<!-- client-example:';

let env: TestEnv;
let tenant: Tenant;
let http: { url: string; close(): Promise<void> };

beforeAll(async () => {
  env = await openTestEnv();
  tenant = await env.tenant('enterprise');
  http = await env.http();
});

afterAll(async () => {
  await http?.close();
  await env?.close();
});

/** The ```ts block after the marker in README.md, exactly as a reader copies it. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const after = readme.slice(readme.indexOf(MARKER));
  const match = /```ts\n([\s\S]*?)```/.exec(after);
  if (readme.indexOf(MARKER) < 0 || !match) throw new Error('README.md has no client example after the marker');
  return match[1]!;
}

function run(file: string, envVars: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: PACKAGE,
      env: { ...process.env, ...envVars },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the README client example', () => {
  it('runs against a real API as written', async () => {
    // Inside the package, so `@audit/client` resolves as it would for a user; the dot keeps it
    // out of every source scan, and it is removed afterwards.
    const file = `${PACKAGE}.readme-example-${randomBytes(4).toString('hex')}.ts`;
    await writeFile(file, await readmeExample());
    try {
      const { code, out } = await run(file, { AUDIT_LOG_URL: http.url, AUDIT_LOG_API_KEY: tenant.key });
      expect(code, out).toBe(0);
      expect(out.trim().split('\n').at(-1)).toBe('Ada');
      expect(out).toMatch(/Z created stk_7/);
    } finally {
      await rm(file, { force: true });
    }
    expect(await env.deps.store.events.col.countDocuments({ workspaceId: tenant.workspaceId, action: 'deleted' })).toBe(
      1200,
    );
  });
});
