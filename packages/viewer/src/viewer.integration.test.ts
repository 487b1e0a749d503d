import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import {
  BROWSER_ZONE,
  ceilMinute,
  floorMinute,
  focused,
  focusedDataId,
  hasChromium,
  inPage,
  openBrowser,
  shot,
  wallClock,
  warnWithoutChromium,
  type Browser,
} from '@audit/testing/browser';

warnWithoutChromium('the audit log browser test');

let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let prod: Tenant;
let staging: Tenant;
let orgKey: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Before anything of prod was recorded: a range ending here holds none of its events. */
let seededAt: number;

const filler = (i: number) => ({
  category: (['lock', 'schedule', 'workflow'] as const)[i % 3]!,
  action: (['created', 'updated', 'completed'] as const)[i % 3]!,
  actor: { type: 'user' as const, id: `usr_${i % 7}`, name: `Engineer ${i % 7}`, email: `eng${i % 7}@example.com` },
  target: {
    type: 'stack',
    id: `stk_${i}`,
    name: `stack ${i} with a rather long name that must not break the table layout`,
  },
  description: `Routine change number ${i} ${'with a very long description that keeps going '.repeat(i % 5 === 0 ? 6 : 0)}`,
});

beforeAll(async () => {
  if (!hasChromium) return;
  env = await openTestEnv();
  const { id: organizationId } = await env.admin.admin.organizations.create({ name: 'Acme' });
  seededAt = Date.now();
  prod = await env.tenant('enterprise', undefined, organizationId);
  staging = await env.tenant('enterprise', undefined, organizationId);
  await prod.caller.events.recordBatch({ events: Array.from({ length: 120 }, (_, i) => filler(i)) });
  await prod.caller.events.record({
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    target: { type: 'stack', id: 'stk_prod_vpc', name: 'prod vpc' },
    description: 'Locked the production VPC stack during incident 42',
    metadata: { reason: 'incident 42', ticket: { id: 'INC-42', severity: 'high' } },
    context: { ip: '203.0.113.9' },
  });
  await prod.caller.events.recordBatch({ events: Array.from({ length: 30 }, (_, i) => filler(200 + i)) });
  await staging.caller.events.recordBatch({
    events: [
      {
        category: 'auth',
        action: 'oidc_token_exchange_failure',
        actor: { type: 'api_key', id: 'key_ci', name: 'CI pipeline' },
        description: 'Token exchange failed',
      },
      {
        category: 'auth',
        action: 'oidc_token_exchange_success',
        actor: { type: 'api_key', id: 'key_ci', name: 'CI pipeline' },
        description: 'Token exchanged',
      },
    ],
  });
  orgKey = (await env.admin.admin.apiKeys.create({ organizationId, scopes: ['events:read'] })).key;
  http = await env.http();
  browser = await openBrowser();
  context = browser.context;
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await http?.close();
  await env?.close();
});

const rowCount = (p: Page) => p.locator('tr.event').count();
const rowIds = (p: Page) => p.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
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
    const first = await rowIds(page);
    await page.click('#next');
    await idle(page);
    const second = await rowIds(page);
    expect(second).toHaveLength(25);
    expect(second.some((id) => first.includes(id))).toBe(false);
    await page.click('#next');
    await idle(page);
    const third = await rowIds(page);
    expect(await page.textContent('#pager-info')).toMatch(/Page 3/);
    await shot(page, '07-page-3');
    await page.click('#prev');
    await idle(page);
    expect(await rowIds(page)).toEqual(second);
    await page.goBack();
    await idle(page);
    expect(await rowIds(page)).toEqual(third);

    const shared = page.url();
    const other = await context.newPage();
    await other.goto(shared);
    await other.waitForSelector('#signin:not([hidden])');
    await signIn(other, orgKey);
    expect(await rowIds(other)).toEqual(third);
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

describe.skipIf(!hasChromium)('the audit log viewer: time range, live tail, retention and keyboard', () => {
  /** A tab signed in with prod's workspace key. */
  let log: Page;
  const params = () => new URL(log.url()).searchParams;
  const live = (n: number) => ({
    category: 'lock' as const,
    action: 'created',
    actor: { type: 'user' as const, id: 'usr_grace', name: 'Grace Hopper' },
    target: { type: 'stack', id: `stk_live_${n}`, name: `live stack ${n}` },
    description: `Recorded while the page watches (${n})`,
  });

  it('narrows to the last hour and to a custom range read in the browser’s zone; a shared link reproduces it', async () => {
    log = await browser.newPage();
    await log.goto(`${http.url}/`);
    await log.waitForSelector('#signin:not([hidden])');
    await signIn(log, prod.key);
    const newest = await rowIds(log);
    expect(newest).toHaveLength(50);

    await log.selectOption('#range', '1h');
    await idle(log);
    expect(params().get('range')).toBe('1h');
    expect(params().has('from')).toBe(false);
    // Everything of prod was recorded minutes ago: the last hour holds the same newest page.
    expect(await rowIds(log)).toEqual(newest);
    expect(await log.textContent('#status')).toContain('recorded last hour');
    await shot(log, '12-range-last-hour');

    await log.selectOption('#range', 'custom');
    await idle(log);
    expect(await log.isVisible('#custom-range')).toBe(true);
    // Chromium names the zone by its ICU alias (Asia/Kolkata reads Asia/Calcutta).
    expect([BROWSER_ZONE, 'Asia/Calcutta']).toContain(await log.textContent('#range-zone'));
    // A range that ends before prod's first event holds none of them.
    const from = floorMinute(seededAt) - 3_600_000;
    const before = floorMinute(seededAt);
    await log.fill('#range-from', wallClock(from));
    await idle(log);
    await log.fill('#range-to', wallClock(before));
    await idle(log);
    expect(params().get('range')).toBe('custom');
    expect(params().get('from')).toBe(new Date(from).toISOString());
    expect(params().get('to')).toBe(new Date(before).toISOString());
    expect(await rowCount(log)).toBe(0);
    expect(await log.getAttribute('#state', 'data-state')).toBe('empty');
    expect(await log.textContent('#state')).toContain('No events match this search');
    await shot(log, '13-range-before-events');

    // One that ends after them holds them all.
    const after = ceilMinute(Date.now()) + 60_000;
    await log.fill('#range-to', wallClock(after));
    await idle(log);
    expect(params().get('to')).toBe(new Date(after).toISOString());
    expect(await rowIds(log)).toEqual(newest);
    expect(await log.inputValue('#range-from')).toBe(wallClock(from));
    expect(await log.inputValue('#range-to')).toBe(wallClock(after));
    await shot(log, '14-range-custom');

    const shared = await context.newPage();
    await shared.goto(log.url());
    await signIn(shared, prod.key);
    expect(await rowIds(shared)).toEqual(newest);
    expect(await shared.inputValue('#range')).toBe('custom');
    expect(await shared.inputValue('#range-from')).toBe(wallClock(from));
    expect(await shared.inputValue('#range-to')).toBe(wallClock(after));
    await shot(shared, '15-range-shared-link');
    // The preset travels as a preset: "the last hour" of whoever opens the link.
    await shared.goto(`${http.url}/?range=1h`);
    await idle(shared);
    expect(await shared.inputValue('#range')).toBe('1h');
    expect(await rowIds(shared)).toEqual(newest);
    await shared.close();
  });

  it('live tail brings new events to the top, keeps an engaged reader in place, and stops on older pages', async () => {
    await log.goto(`${http.url}/`);
    await idle(log);
    await log.check('#live-toggle');
    await idle(log);
    expect(params().get('live')).toBe('1');
    await log.mouse.move(5, 5);
    const shown = await rowCount(log);

    const first = await prod.caller.events.record(live(1));
    await expect
      .poll(() => log.locator('tr.event').first().getAttribute('data-id'), { timeout: 10_000 })
      .toBe(first.id);
    expect(await log.locator('tr.event').first().getAttribute('class')).toContain('new');
    expect(await rowCount(log)).toBe(shown + 1);
    expect(await log.isHidden('#new-pill')).toBe(true);
    await shot(log, '16-live-new-event');

    // The reader opens the fourth event: what live tail adds must not move it.
    const readingId = (await log.locator('tr.event').nth(3).getAttribute('data-id'))!;
    const reading = log.locator(`tr.event[data-id="${readingId}"]`);
    await reading.focus();
    await log.keyboard.press('Enter');
    await log.waitForSelector(`tr.details[data-details-for="${readingId}"] .details-grid`);
    const y0 = (await reading.boundingBox())!.y;
    const more = [await prod.caller.events.record(live(2)), await prod.caller.events.record(live(3))];
    await expect.poll(() => log.locator(`tr.event.new[data-id="${more[1]!.id}"]`).count(), { timeout: 10_000 }).toBe(1);
    expect(await log.locator(`tr.event.new[data-id="${more[0]!.id}"]`).count()).toBe(1);
    expect((await rowIds(log)).slice(0, 3)).toEqual([more[1]!.id, more[0]!.id, first.id]);
    await expect.poll(() => log.textContent('#new-pill')).toBe('↑ 2 new events');
    expect(await log.isVisible('#new-pill')).toBe(true);
    const y1 = (await reading.boundingBox())!.y;
    await shot(log, '17-live-engaged-open-row', { fullPage: false });
    // Soft: the rest of live tail is still checked when the reader's row moves.
    expect
      .soft(Math.abs(y1 - y0), `the open row moved from y=${y0} to y=${y1} when new events arrived`)
      .toBeLessThanOrEqual(1);

    await log.click('#new-pill');
    await expect.poll(() => log.isHidden('#new-pill')).toBe(true);
    expect(await focusedDataId(log)).toBe(more[1]!.id);
    expect(await inPage<number>(log, 'window.scrollY')).toBe(0);

    // Engaged by scrolling alone: nothing open, the focus out of the rows.
    await log.keyboard.press('Escape');
    await expect.poll(() => log.locator('tr.details').count()).toBe(0);
    await log.click('h1');
    expect(await inPage<number>(log, '(window.scrollBy(0, 900), window.scrollY)')).toBeGreaterThan(0);
    const onScreenId = await inPage<string>(
      log,
      '[...document.querySelectorAll("tr.event")].find((r) => r.getBoundingClientRect().top > 150).getAttribute("data-id")',
    );
    const onScreen = log.locator(`tr.event[data-id="${onScreenId}"]`);
    const s0 = (await onScreen.boundingBox())!.y;
    const late = await prod.caller.events.record(live(4));
    await expect.poll(() => log.locator(`tr.event.new[data-id="${late.id}"]`).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => log.textContent('#new-pill')).toBe('↑ 1 new event');
    const s1 = (await onScreen.boundingBox())!.y;
    await shot(log, '18-live-engaged-scrolled', { fullPage: false });
    expect
      .soft(Math.abs(s1 - s0), `the row on screen moved from y=${s0} to y=${s1} when a new event arrived`)
      .toBeLessThanOrEqual(1);

    await log.click('#next');
    await idle(log);
    expect(params().has('cursor')).toBe(true);
    expect(params().has('live')).toBe(false);
    expect(await log.isChecked('#live-toggle')).toBe(false);
    expect(await log.isDisabled('#live-toggle')).toBe(true);
    await shot(log, '19-live-off-on-page-2');
  });

  it('says how long events are kept and when the next purge runs', async () => {
    await log.goto(`${http.url}/`);
    await idle(log);
    await expect.poll(() => log.isVisible('#retention')).toBe(true);
    expect(await log.textContent('#retention')).toMatch(
      /^Events are kept 365 days · next purge 03:00 UTC \((in \d+ (hours?|minutes?|seconds?)|just now)\)$/,
    );
  });

  it('moves between events with j/k and the arrows, opens with Enter, closes with Esc, and lists the shortcuts', async () => {
    const ids = await rowIds(log);
    await log.click('h1');
    await log.keyboard.press('j');
    expect(await focusedDataId(log)).toBe(ids[0]);
    await log.keyboard.press('j');
    expect(await focusedDataId(log)).toBe(ids[1]);
    await log.keyboard.press('ArrowDown');
    expect(await focusedDataId(log)).toBe(ids[2]);
    await log.keyboard.press('k');
    expect(await focusedDataId(log)).toBe(ids[1]);
    await log.keyboard.press('ArrowUp');
    expect(await focusedDataId(log)).toBe(ids[0]);
    await log.keyboard.press('k');
    expect(await focusedDataId(log)).toBe(ids[0]);

    await log.keyboard.press('Enter');
    const details = log.locator(`tr.details[data-details-for="${ids[0]}"]`);
    await details.waitFor();
    await expect.poll(() => details.textContent()).toContain(ids[0]!);
    expect(await log.getAttribute(`tr.event[data-id="${ids[0]}"]`, 'aria-expanded')).toBe('true');
    await shot(log, '20-keyboard-open');
    await log.keyboard.press('Escape');
    await expect.poll(() => log.locator('tr.details').count()).toBe(0);
    expect(await focusedDataId(log)).toBe(ids[0]);

    await log.keyboard.press('?');
    await log.waitForSelector('#shortcuts[open]');
    const keys = await log.locator('#shortcuts dt').allTextContents();
    for (const k of ['j', 'k', '↓', '↑', 'Enter', 'Esc', '/', '?']) expect(keys.join(' ')).toContain(k);
    await shot(log, '21-shortcuts', { fullPage: false });
    await log.keyboard.press('Escape');
    await log.waitForSelector('#shortcuts:not([open])', { state: 'attached' });
    await log.keyboard.press('/');
    expect(await focused(log)).toBe('#q');
  });

  it('raised no uncaught error in any page', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
