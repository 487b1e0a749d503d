import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@audit/local-servers';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'viewer');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[viewer] skipping the browser test: ${CHROMIUM} is absent (apt-get install -y chromium)`);

let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let prod: Tenant;
let staging: Tenant;
let orgKey: string;
let context: BrowserContext;
let profile: string;
let page: Page;

const filler = (i: number) => ({ category: (['lock', 'schedule', 'workflow'] as const)[i % 3]!, action: (['created', 'updated', 'completed'] as const)[i % 3]!, actor: { type: 'user' as const, id: `usr_${i % 7}`, name: `Engineer ${i % 7}`, email: `eng${i % 7}@example.com` }, target: { type: 'stack', id: `stk_${i}`, name: `stack ${i} with a rather long name that must not break the table layout` }, description: `Routine change number ${i} ${'with a very long description that keeps going '.repeat(i % 5 === 0 ? 6 : 0)}` });

beforeAll(async () => {
  if (!hasChromium) return;
  await mkdir(ARTIFACTS, { recursive: true });
  env = await openTestEnv();
  const { id: organizationId } = await env.admin.admin.organizations.create({ name: 'Acme' });
  prod = await env.tenant('enterprise', undefined, organizationId);
  staging = await env.tenant('enterprise', undefined, organizationId);
  await prod.caller.events.recordBatch({ events: Array.from({ length: 120 }, (_, i) => filler(i)) });
  await prod.caller.events.record({ category: 'lock', action: 'created', actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' }, target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' }, description: 'Locked the production VPC stack during incident 42', metadata: { reason: 'incident 42', ticket: { id: 'INC-42', severity: 'high' } }, context: { ip: '203.0.113.9' } });
  await prod.caller.events.recordBatch({ events: Array.from({ length: 30 }, (_, i) => filler(200 + i)) });
  await staging.caller.events.recordBatch({ events: [{ category: 'auth', action: 'oidc_token_exchange_failure', actor: { type: 'api_key', id: 'key_ci', name: 'CI pipeline' }, description: 'Token exchange failed' }, { category: 'auth', action: 'oidc_token_exchange_success', actor: { type: 'api_key', id: 'key_ci', name: 'CI pipeline' }, description: 'Token exchanged' }] });
  orgKey = (await env.admin.admin.apiKeys.create({ organizationId, scopes: ['events:read'] })).key;
  http = await env.http();
  profile = await mkdtemp(join(tmpdir(), 'viewer-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await http?.close();
  await env?.close();
});

const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const rowCount = (p: Page) => p.locator('tr.event').count();
const idle = (p: Page) => p.waitForSelector('#events:not([aria-busy])');

async function signIn(p: Page, key: string) {
  await p.fill('#key-input', key);
  await p.press('#key-input', 'Enter');
  await p.waitForSelector('#log:not([hidden])');
  await idle(p);
}

describe.skipIf(!hasChromium)('the audit log viewer in Chromium', () => {
  it('signs in with a pasted key and shows the newest events', async () => {
    await page.goto(`${http.url}/`);
    await page.waitForSelector('#signin:not([hidden])');
    await shot(page, '01-sign-in');
    await page.fill('#key-input', 'atk_not-a-real-key');
    await page.press('#key-input', 'Enter');
    await expect.poll(() => page.textContent('#signin-error')).toMatch(/not accepted/);
    await signIn(page, orgKey);
    expect(await rowCount(page)).toBe(50);
    expect(await page.evaluate('sessionStorage.getItem("audit.apiKey")')).toBe(orgKey);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await shot(page, '02-signed-in');
  });

  it('finds one event by actor and action, and expands its metadata', async () => {
    await page.fill('#q', 'actor:ada action:lock.created');
    await page.press('#q', 'Enter');
    await idle(page);
    expect(await rowCount(page)).toBe(1);
    expect(page.url()).toContain('q=actor%3Aada+action%3Alock.created');
    await shot(page, '03-search');
    await page.locator('tr.event').first().focus();
    await page.keyboard.press('Enter');
    const pre = page.locator('tr.details pre.metadata');
    await expect.poll(() => pre.textContent()).toContain('"severity": "high"');
    await expect.poll(() => page.locator('tr.details').textContent()).toContain('203.0.113.9');
    await shot(page, '04-expanded');
    await page.locator('tr.event').first().click();
    expect(await page.locator('tr.details').count()).toBe(0);
  });

  it('filters by several categories and switches to organization scope', async () => {
    await page.fill('#q', '');
    await page.press('#q', 'Enter');
    await idle(page);
    await page.click('#category-summary');
    await page.check('#category-options input[value="schedule"]');
    await idle(page);
    await page.check('#category-options input[value="auth"]');
    await idle(page);
    const categories = await page.locator('tr.event .badge').allTextContents();
    expect(new Set(categories)).toEqual(new Set(['schedule']));
    expect(page.url()).toContain('categories=schedule%2Cauth');
    await shot(page, '05-category-filter');
    await page.click('#scope-switch [data-scope="organization"]');
    await idle(page);
    expect(new Set(await page.locator('tr.event .badge').allTextContents())).toEqual(new Set(['schedule', 'auth']));
    expect(await page.isVisible('th.col-ws')).toBe(true);
    expect(page.url()).toContain('scope=organization');
    await shot(page, '06-organization-scope');
  });

  it('pages forward and back, and a shared link shows the same page', async () => {
    await page.click('#category-clear');
    await idle(page);
    await page.selectOption('#page-size', '25');
    await idle(page);
    const first = await page.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    await page.click('#next');
    await idle(page);
    const second = await page.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(second).toHaveLength(25);
    expect(second.some((id) => first.includes(id))).toBe(false);
    await page.click('#next');
    await idle(page);
    const third = await page.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(await page.textContent('#pager-info')).toMatch(/Page 3/);
    await shot(page, '07-page-3');
    await page.click('#prev');
    await idle(page);
    expect(await page.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(second);
    await page.goBack();
    await idle(page);
    expect(await page.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(third);

    const shared = page.url();
    const other = await context.newPage();
    await other.goto(shared);
    await other.waitForSelector('#signin:not([hidden])');
    await signIn(other, orgKey);
    expect(await other.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(third);
    expect(await other.inputValue('#page-size')).toBe('25');
    await shot(other, '08-shared-link');
    await other.close();
  });

  it('exports the current search as a download', async () => {
    await page.fill('#q', 'actor:ada');
    await page.press('#q', 'Enter');
    await idle(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,recordedAt/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Ada Lovelace');
  });

  it('designs the error, empty and upgrade states', async () => {
    await page.fill('#q', 'actor:ada foo:bar');
    await page.press('#q', 'Enter');
    await idle(page);
    await expect.poll(() => page.textContent('#state')).toMatch(/q: at character 11: unknown qualifier "foo:"/);
    expect(await page.getAttribute('#q', 'aria-invalid')).toBe('true');
    await shot(page, '09-query-error');
    await page.fill('#q', 'zzzznothing');
    await page.press('#q', 'Enter');
    await idle(page);
    expect(await page.getAttribute('#state', 'data-state')).toBe('empty');
    await shot(page, '10-empty');

    const team = await env.tenant('team');
    const fresh = await context.newPage();
    await fresh.goto(`${http.url}/`);
    await signIn(fresh, team.key);
    expect(await fresh.getAttribute('#state', 'data-state')).toBe('upgrade');
    expect(await fresh.isVisible('#scope-switch')).toBe(false);
    await shot(fresh, '11-upgrade');
    await fresh.close();
  });
});
