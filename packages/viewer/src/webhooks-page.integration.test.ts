import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  openTestEnv,
  startReceiver,
  type ReceivedRequest,
  type Receiver,
  type Tenant,
  type TestEnv,
} from '@audit/testing';
import {
  floorMinute,
  focused,
  hasChromium,
  horizontalOverflow,
  inPage,
  openBrowser,
  shot,
  tabTo,
  wallClock,
  warnWithoutChromium,
  type Browser,
} from '@audit/testing/browser';

warnWithoutChromium('the webhooks page browser test');

/**
 * The Webhooks page end to end: the real API and viewer over HTTP, a real worker delivering to a
 * real receiver in this process, Chromium clicking. One destination goes through its whole life
 * (w01–w18); the later tests use workspaces of their own.
 */
const FAIL_BODY = 'receiver down for maintenance (ticket OPS-7): try again later';
const HEADER_VALUE = 'xak-3f9c2e7a1b6d4085-live';
const DESCRIPTION = 'Security SIEM (staging)';

let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let tenant: Tenant;
let browser: Browser;
let page: Page;
let rx: Receiver;
/** The receiver answers 500 with FAIL_BODY while this is set, else 204. */
let failing = false;
let hookUrl = '';
let hookId = '';
let secret = '';
let oldSecret = '';
let firstRecordedAt = 0;
let firstEvents: { id: string; seq: number }[] = [];
let skippedId = '';

beforeAll(async () => {
  if (!hasChromium) return;
  // Three quick attempts: a batch the receiver refuses is `failed` within a second.
  env = await openTestEnv({ WEBHOOK_RETRY_SCHEDULE: '0,200,400', WEBHOOK_LINGER_MS: '300' });
  await env.startWorker();
  rx = await startReceiver(() =>
    failing ? { status: 500, headers: { 'content-type': 'text/plain' }, body: FAIL_BODY } : { status: 204 },
  );
  hookUrl = `${rx.url}?tenant=acme&token=t0k3n-42`;
  tenant = await env.tenant('enterprise');
  http = await env.http();
  browser = await openBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: http.url });
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rx?.close();
  await http?.close();
  await env?.close();
});

/** The audit event ids a CloudEvents batch carries (empty for anything else). */
function eventIds(r: ReceivedRequest): string[] {
  try {
    const body: unknown = JSON.parse(r.body);
    return (Array.isArray(body) ? body : [body]).map((e) => String((e as { id?: unknown }).id));
  } catch {
    return [];
  }
}
const carrying = (id: string) => rx.requests.filter((r) => eventIds(r).includes(id));
const arrived = (id: string, timeoutMs = 15_000) =>
  eventually(async () => carrying(id).length > 0 && carrying(id), timeoutMs, `event ${id} at the receiver`);

/** What a receiver does: the Standard Webhooks library over the exact body and headers. */
function verifies(r: ReceivedRequest, key: string, signature = r.headers['webhook-signature']): boolean {
  try {
    new Webhook(key).verify(r.body, { ...r.headers, 'webhook-signature': signature ?? '' });
    return true;
  } catch {
    return false;
  }
}

const record = (n: number, note: string) =>
  tenant.caller.events.record({
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_ada', name: 'Ada Lovelace' },
    target: { type: 'stack', id: `stk_${n}`, name: `stack ${n}` },
    description: `${note} (${n})`,
  });

const badge = (p: Page) => p.textContent('#d-badge .status-badge');

async function signIn(p: Page, key: string) {
  await p.waitForSelector('#signin:not([hidden])');
  await p.fill('#key-input', key);
  await p.press('#key-input', 'Enter');
  await p.waitForSelector('#signin', { state: 'hidden' });
}

async function freshPage(path: string, key: string): Promise<Page> {
  const p = await browser.newPage();
  await p.goto(`${http.url}${path}`);
  await signIn(p, key);
  return p;
}

const detailReady = (p: Page) => p.waitForSelector('#detail-view:not([hidden]) #d-facts dd');

describe.skipIf(!hasChromium)('the webhooks page in Chromium', () => {
  it('w01 explains an empty workspace and offers to add a destination', async () => {
    await page.goto(`${http.url}/webhooks`);
    await signIn(page, tenant.key);
    const empty = page.locator('#list-empty[data-state="empty"]');
    await empty.waitFor();
    expect(await empty.locator('h2').textContent()).toBe('No destinations yet');
    expect(await empty.textContent()).toContain('A destination is an HTTPS endpoint');
    expect(await page.isHidden('#hooks')).toBe(true);
    expect(await page.isVisible('#add-destination')).toBe(true);
    await shot(page, 'w01-empty');
    await empty.getByRole('button', { name: 'Add destination' }).click();
    await page.waitForSelector('#form-view:not([hidden]) #f-url');
    expect(new URL(page.url()).searchParams.get('new')).toBe('1');
    expect(await focused(page)).toBe('#f-url');
  });

  it('w02 shows the server’s refusals on their fields, then adds a destination and shows its secret once', async () => {
    await page.fill('#f-url', 'ftp://x');
    await page.click('#f-save');
    await expect.poll(() => page.textContent('#f-url-error')).toBe('must use http or https');
    expect(await page.getAttribute('#f-url', 'aria-invalid')).toBe('true');
    expect(await focused(page)).toBe('#f-url');
    await shot(page, 'w02-url-refused');

    await page.fill('#f-url', hookUrl);
    await page.click('#f-header-add');
    await page.fill('#f-headers-rows .h-name', 'Content-Type');
    await page.fill('#f-headers-rows .h-value', 'text/plain');
    await page.click('#f-save');
    await expect
      .poll(() => page.textContent('#f-headers-error'))
      .toBe('Content-Type: header "content-type" is set by the delivery and cannot be overridden');
    expect(await page.textContent('#f-url-error')).toBe('');
    expect(await page.getAttribute('#f-url', 'aria-invalid')).toBeNull();
    expect(await page.getAttribute('#f-headers-rows .h-name', 'aria-invalid')).toBe('true');
    await shot(page, 'w03-header-refused');
    expect((await tenant.caller.webhooks.list({})).items).toHaveLength(0);

    await page.fill('#f-headers-rows .h-name', 'X-Api-Key');
    await page.fill('#f-headers-rows .h-value', HEADER_VALUE);
    await page.fill('#f-description', DESCRIPTION);
    await page.uncheck('#f-cat-all');
    await page.check('#f-categories input[value="lock"]');
    await page.selectOption('#f-format', 'cloudevents');
    await page.fill('#f-batchSize', '10');
    await shot(page, 'w04-form-filled');
    await page.click('#f-save');

    await page.waitForSelector('#secret-dialog[open]');
    secret = await page.inputValue('#secret-value');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await page.textContent('#secret-dialog .warning')).toContain('This secret will not be shown again.');
    expect(await page.textContent('#secret-lead')).toContain(`${rx.url}?…`);
    await page.click('#secret-copy');
    await expect.poll(() => page.textContent('#secret-copy')).toBe('Copied');
    expect(await inPage<string>(page, 'navigator.clipboard.readText()')).toBe(secret);
    await shot(page, 'w05-secret-once', { fullPage: false });
    await page.click('#secret-done');
    await page.waitForSelector('#secret-dialog:not([open])', { state: 'attached' });
    expect(await page.inputValue('#secret-value')).toBe('');
    await detailReady(page);
    hookId = new URL(page.url()).searchParams.get('id') ?? '';
    expect(hookId).toMatch(/^whk_/);
    expect(await tenant.caller.webhooks.get({ id: hookId })).toMatchObject({
      url: hookUrl,
      description: DESCRIPTION,
      categories: ['lock'],
      format: 'cloudevents',
      batchSize: 10,
      compression: 'none',
      enabled: true,
      headers: [{ name: 'X-Api-Key', value: '****live' }],
    });
    // The query string may hold a token: the title shows the destination without it.
    expect(await page.textContent('#d-url')).toBe(`${rx.url}?…`);
    expect(await page.textContent('#d-desc')).toBe(DESCRIPTION);
    expect(await page.textContent('#d-facts')).toContain(
      'CloudEvents (batch) · up to 10 events per request · uncompressed',
    );
    await shot(page, 'w06-destination');

    await page.reload();
    await detailReady(page);
    const html = await page.content();
    expect(html).not.toContain(secret);
    expect(html).not.toContain(secret.slice(6, 30));
    expect(html).not.toContain(HEADER_VALUE);
    expect(await page.textContent('#d-facts')).toContain('X-Api-Key: ****live');
    const kept = await inPage<string>(page, 'JSON.stringify({ ...sessionStorage, ...localStorage }) + location.href');
    expect(kept).not.toContain(secret.slice(6, 30));
    await shot(page, 'w07-reloaded');
  });

  it('w08 delivers recorded events signed with that secret, and the destination shows it', async () => {
    expect(await page.textContent('#d-last')).toBe('No delivery yet');
    firstRecordedAt = Date.now();
    firstEvents = [await record(1, 'first batch'), await record(2, 'first batch'), await record(3, 'first batch')];
    for (const e of firstEvents) await arrived(e.id);
    const reqs = [...new Set(firstEvents.flatMap((e) => carrying(e.id)))];
    for (const r of reqs) {
      expect(verifies(r, secret)).toBe(true);
      expect(r.headers['x-api-key']).toBe(HEADER_VALUE);
      expect(r.headers['webhook-id']).toMatch(/^dlv_/);
      expect(r.path).toBe('/hook?tenant=acme&token=t0k3n-42');
    }
    expect(verifies(reqs[0]!, `whsec_${randomBytes(32).toString('base64')}`)).toBe(false);
    await expect.poll(() => page.textContent('#d-last'), { timeout: 15_000 }).toMatch(/ · succeeded · HTTP 204$/);
    expect(await page.getAttribute('#d-last', 'class')).toBe('tone-ok');
    await page.locator('#d-delivery-rows tr.delivery[data-status="succeeded"]').first().waitFor({ timeout: 10_000 });
    await shot(page, 'w08-delivered');
  });

  it('w09 sends a test event and shows the outcome, then a failure with the receiver’s code and body', async () => {
    const before = rx.requests.length;
    await page.click('#d-test');
    const ok = page.locator('#d-test-result[data-outcome="ok"]');
    await ok.waitFor({ timeout: 30_000 });
    expect(await ok.textContent()).toMatch(/^Test delivered · HTTP 204 · \d+ ms$/);
    const sent = rx.requests.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(verifies(sent.at(-1)!, secret)).toBe(true);
    await shot(page, 'w09-test-ok');

    failing = true;
    try {
      await page.click('#d-test');
      const bad = page.locator('#d-test-result[data-outcome="failed"]');
      await bad.waitFor({ timeout: 30_000 });
      expect(await bad.locator('strong').textContent()).toBe('Test failed');
      expect(await bad.textContent()).toMatch(/^Test failed · HTTP 500 · \d+ ms/);
      expect(await bad.locator('pre.body-excerpt').textContent()).toBe(FAIL_BODY);
      await shot(page, 'w10-test-failed');
    } finally {
      failing = false;
    }
  });

  it('w11 disables; enabled from now it skips what was recorded meanwhile, resumed where it stopped it delivers it', async () => {
    await page.click('#d-toggle');
    await expect.poll(() => badge(page)).toBe('Disabled');
    expect(await page.textContent('#d-toggle')).toBe('Enable');
    expect((await tenant.caller.webhooks.get({ id: hookId })).enabled).toBe(false);
    const skipped = await record(10, 'recorded while disabled, then skipped');
    skippedId = skipped.id;
    await shot(page, 'w11-disabled');

    await page.click('#d-toggle');
    await page.waitForSelector('#confirm-dialog[open]');
    const body = await page.textContent('#confirm-dialog');
    expect(body).toContain('Resume where it stopped');
    expect(body).toContain('Resume from now');
    expect(await page.isChecked('#confirm-dialog input[value="position"]')).toBe(true);
    await page.check('#confirm-dialog input[value="now"]');
    await shot(page, 'w12-enable-choice', { fullPage: false });
    await page.click('#confirm-ok');
    await expect.poll(() => badge(page)).toBe('Enabled');
    const after = await record(11, 'recorded after enabling from now');
    await arrived(after.id);
    // The stream goes in order: had the skipped event been kept, it would have come first.
    expect(carrying(skipped.id)).toHaveLength(0);

    await page.click('#d-toggle');
    await expect.poll(() => badge(page)).toBe('Disabled');
    const kept = await record(12, 'recorded while disabled, then delivered');
    // The backlog counts the workspace's events past the stream's position, before the category
    // filter: the event just recorded and the `settings_changed` of the disabling. The page
    // polls until it shows that count.
    const backlog = (await tenant.caller.webhooks.get({ id: hookId })).stream?.backlog ?? 0;
    expect(backlog).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => page.textContent('#d-lag'), { timeout: 10_000 })
      .toMatch(new RegExp(`^disabled · ${backlog} events behind`));
    await page.click('#d-toggle');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-dialog')).toContain(
      `Delivers, in order, what this destination missed of the ${backlog} events recorded in the workspace meanwhile.`,
    );
    await page.click('#confirm-ok');
    await expect.poll(() => badge(page)).toBe('Enabled');
    const [req] = await arrived(kept.id);
    expect(verifies(req!, secret)).toBe(true);
    expect(carrying(skipped.id)).toHaveLength(0);
  });

  it('w13 rotates the secret: the new one is shown once, and old and new both sign the next batch', async () => {
    await page.click('#d-rotate');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-title')).toBe('Rotate the signing secret?');
    expect(await page.textContent('#confirm-body')).toContain('24 hours');
    await page.click('#confirm-ok');
    await page.waitForSelector('#secret-dialog[open]');
    const fresh = await page.inputValue('#secret-value');
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    const hook = await tenant.caller.webhooks.get({ id: hookId });
    const expires = hook.previousSecretExpiresAt ?? '';
    expect(Date.parse(expires) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const lead = await page.textContent('#secret-lead');
    expect(lead).toContain(`until ${new Date(expires).toUTCString()} (24 hours)`);
    expect(await page.textContent('#secret-dialog .warning')).toContain('This secret will not be shown again.');
    await shot(page, 'w13-rotated-secret', { fullPage: false });
    await page.click('#secret-done');
    await page.waitForSelector('#secret-dialog:not([open])', { state: 'attached' });
    expect(await page.textContent('#d-facts')).toContain('the previous secret also signs until');
    expect(await page.content()).not.toContain(fresh.slice(6, 30));
    oldSecret = secret;
    secret = fresh;

    const e = await record(20, 'after the rotation');
    const [req] = await arrived(e.id);
    const signatures = (req!.headers['webhook-signature'] ?? '').split(' ');
    expect(signatures).toHaveLength(2);
    expect(verifies(req!, secret)).toBe(true);
    expect(verifies(req!, oldSecret)).toBe(true);
    // One signature per secret, not one that happens to pass for both.
    expect(signatures.filter((s) => verifies(req!, secret, s))).toHaveLength(1);
    expect(signatures.filter((s) => verifies(req!, oldSecret, s))).toHaveLength(1);
    expect(signatures.find((s) => verifies(req!, secret, s))).not.toBe(
      signatures.find((s) => verifies(req!, oldSecret, s)),
    );
  });

  it('w14 shows a failed delivery with its attempts, and redelivers it under the same webhook-id', async () => {
    failing = true;
    const e = await record(30, 'sent while the receiver fails');
    let deliveryId: string;
    try {
      const failed = await eventually(
        async () =>
          (await tenant.caller.webhooks.deliveries({ webhookId: hookId, eventId: e.id })).items.find(
            (d) => d.status === 'failed',
          ),
        30_000,
        'the batch failed',
      );
      deliveryId = failed.id;
    } finally {
      failing = false;
    }
    const row = page.locator(`#d-delivery-rows tr.delivery[data-id="${deliveryId}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    expect(await row.textContent()).toContain('HTTP 500');
    await row.focus();
    await page.keyboard.press('Enter');
    const attempts = page.locator(`#d-delivery-rows tr.attempts[data-attempts-for="${deliveryId}"]`);
    await attempts.waitFor();
    expect(await row.getAttribute('aria-expanded')).toBe('true');
    const tries = attempts.locator('tr[data-attempt]');
    expect(await tries.count()).toBe(3);
    for (const text of await tries.allTextContents()) expect(text).toContain('HTTP 500');
    expect(await attempts.locator('pre.body-excerpt').first().textContent()).toBe(FAIL_BODY);
    expect(await attempts.textContent()).toContain(e.id);
    await shot(page, 'w14-failed-attempts');

    const sent = carrying(e.id);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.headers['webhook-id']))).toEqual(new Set([deliveryId]));
    await page.click(`#d-delivery-rows button[data-redeliver="${deliveryId}"]`);
    const again = await eventually(
      async () => carrying(e.id).length > sent.length && carrying(e.id),
      20_000,
      'the redelivery',
    );
    const redelivered = again.at(-1)!;
    expect(redelivered.headers['webhook-id']).toBe(deliveryId);
    expect(verifies(redelivered, secret)).toBe(true);
    await expect
      .poll(() => page.locator(`#d-delivery-rows tr.delivery[data-id="${deliveryId}"]`).getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('succeeded');
    await shot(page, 'w15-redelivered');
  });

  it('w16 replays every event since a time picked in the browser’s zone', async () => {
    const since = floorMinute(firstRecordedAt);
    const before = rx.requests.length;
    const firstIds = new Set(firstEvents.flatMap((e) => carrying(e.id)).map((r) => r.headers['webhook-id']));
    await page.fill('#d-replay-since', wallClock(since));
    await page.click('#d-replay button[type="submit"]');
    await expect
      .poll(() => page.textContent('#d-replay-result'), { timeout: 15_000 })
      .toMatch(/^Replay started from event #\d+ through #\d+; its batches appear below as replay\.$/);
    const fromSeq = Number(/#(\d+)/.exec((await page.textContent('#d-replay-result')) ?? '')?.[1]);
    expect(fromSeq).toBeLessThanOrEqual(firstEvents[0]!.seq);
    for (const e of firstEvents)
      await eventually(async () => carrying(e.id).length >= 2, 20_000, `event ${e.id} replayed`);
    // What "Resume from now" skipped, a replay sends later.
    await arrived(skippedId, 20_000);
    const replayed = rx.requests.slice(before).filter((r) => firstEvents.some((e) => eventIds(r).includes(e.id)));
    expect(replayed.length).toBeGreaterThan(0);
    for (const r of replayed) {
      expect(verifies(r, secret)).toBe(true);
      expect(firstIds.has(r.headers['webhook-id'])).toBe(false);
    }
    await expect.poll(() => page.textContent('#d-delivery-rows'), { timeout: 15_000 }).toContain('· replay');
    await shot(page, 'w16-replay');
  });

  it('w17 deletes after a confirmation naming the full URL, and the list is empty again', async () => {
    await page.click('#d-delete');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-url')).toBe(hookUrl);
    expect(await page.textContent('#confirm-ok')).toBe('Delete destination');
    await shot(page, 'w17-delete-confirm', { fullPage: false });
    await page.click('#confirm-ok');
    await page.waitForSelector('#list-empty[data-state="empty"]');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.isHidden('#detail-view')).toBe(true);
    await expect(tenant.caller.webhooks.get({ id: hookId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await shot(page, 'w18-deleted');
  });

  it('w19 explains a key without webhooks:manage and a plan without webhooks; a deep link opens only this workspace’s destination', async () => {
    const reader = await env.tenant('enterprise', ['events:read']);
    const noScope = await freshPage('/webhooks', reader.key);
    const scopeState = noScope.locator('#page-state[data-state="scope"]');
    await scopeState.waitFor();
    expect(await scopeState.textContent()).toContain('webhooks:manage');
    expect(await noScope.isHidden('#add-destination')).toBe(true);
    expect(await noScope.isHidden('#list-view')).toBe(true);
    await shot(noScope, 'w19-no-scope');
    await noScope.close();

    const team = await env.tenant('team');
    const upgrade = await freshPage('/webhooks', team.key);
    const upgradeState = upgrade.locator('#page-state[data-state="upgrade"]');
    await upgradeState.waitFor();
    expect(await upgradeState.textContent()).toContain('Enterprise plan');
    expect(await upgrade.isHidden('#add-destination')).toBe(true);
    await shot(upgrade, 'w20-upgrade');
    await upgrade.close();

    const { webhook } = await tenant.caller.webhooks.create({
      url: `${rx.url}/deep`,
      description: 'Deep-linked destination',
      categories: ['release'],
    });
    const deep = await freshPage(`/webhooks?id=${webhook.id}`, tenant.key);
    await detailReady(deep);
    expect(await deep.textContent('#d-url')).toBe(`${rx.url}/deep`);
    expect(await deep.textContent('#d-desc')).toBe('Deep-linked destination');
    expect(await deep.textContent('#d-facts')).toContain(webhook.id);
    await shot(deep, 'w21-deep-link');

    const other = await env.tenant('enterprise');
    const foreign = await other.caller.webhooks.create({
      url: `${rx.url}/other-tenant-private-path`,
      description: 'Belongs to another workspace',
      categories: ['release'],
    });
    await deep.goto(`${http.url}/webhooks?id=${foreign.webhook.id}`);
    const notFound = deep.locator('#page-state[data-state="empty"]');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('No such destination');
    expect(await deep.isHidden('#detail-view')).toBe(true);
    const html = await deep.content();
    expect(html).not.toContain('other-tenant-private-path');
    expect(html).not.toContain('Belongs to another workspace');
    await shot(deep, 'w22-not-found');
    await deep.close();
  });

  it('w23 keeps a 1,500-character URL and 20 headers inside the page, in the list and the destination view', async () => {
    const t = await env.tenant('enterprise');
    const longUrl = `${rx.url}/${'averyveryverylongpathsegmentwithoutanybreaks'.repeat(34)}`;
    expect(longUrl.length).toBeGreaterThan(1_500);
    const headers = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `X-Custom-Header-Number-${String(i).padStart(2, '0')}`,
        `value-${i}-${'z'.repeat(100)}`,
      ]),
    );
    const { webhook } = await t.caller.webhooks.create({
      url: longUrl,
      headers,
      description: `A destination with a long description: ${'several words that go on and on '.repeat(12)}`,
      categories: ['release'],
    });
    await t.caller.webhooks.create({ url: `${rx.url}/short`, description: 'short', categories: ['release'] });
    const p = await freshPage('/webhooks', t.key);
    await expect.poll(() => p.locator('tr.hook').count()).toBe(2);
    const noOverflow = async (what: string) => {
      const { scrollWidth, clientWidth } = await horizontalOverflow(p);
      expect(scrollWidth, `${what}: ${scrollWidth} px wide in ${clientWidth} px`).toBeLessThanOrEqual(clientWidth);
    };
    await noOverflow('list at 1440 px');
    await shot(p, 'w23-long-list');
    await p.locator(`tr.hook[data-id="${webhook.id}"] a.hook-link`).click();
    await detailReady(p);
    expect(await p.locator('#d-facts .header-list code').count()).toBe(20);
    await noOverflow('destination at 1440 px');
    await shot(p, 'w24-long-detail');
    await p.setViewportSize({ width: 1024, height: 800 });
    await noOverflow('destination at 1024 px');
    await p.click('#d-delete');
    await p.waitForSelector('#confirm-dialog[open]');
    expect(await p.textContent('#confirm-url')).toBe(longUrl);
    const dialog = await inPage<{ scrollWidth: number; clientWidth: number }>(
      p,
      '(() => { const d = document.getElementById("confirm-dialog"); return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth }; })()',
    );
    expect(dialog.scrollWidth, 'the delete confirmation').toBeLessThanOrEqual(dialog.clientWidth);
    await shot(p, 'w25-long-delete-confirm', { fullPage: false });
    await p.click('#confirm-cancel');
    await p.click('#back');
    await expect.poll(() => p.locator('tr.hook').count()).toBe(2);
    await noOverflow('list at 1024 px');
    await shot(p, 'w26-long-list-1024');
    await p.close();
  });

  it('w27 adds a destination with the keyboard alone, and reaches the list row by Tab', async () => {
    const t = await env.tenant('enterprise');
    const url = `${rx.url}/keyboard`;
    const p = await browser.newPage();
    await p.goto(`${http.url}/webhooks`);
    await p.waitForSelector('#signin:not([hidden])');
    expect(await focused(p)).toBe('#key-input');
    await p.keyboard.type(t.key);
    await p.keyboard.press('Enter');
    await p.waitForSelector('#list-empty[data-state="empty"]');
    expect(await tabTo(p, '#add-destination')).toBe(true);
    await p.keyboard.press('Enter');
    await p.waitForSelector('#form-view:not([hidden]) #f-url');
    expect(await focused(p)).toBe('#f-url');
    await p.keyboard.type(url);
    await p.keyboard.press('Tab');
    expect(await focused(p)).toBe('#f-description');
    await p.keyboard.type('Typed without a mouse');
    await p.keyboard.press('Tab');
    expect(await focused(p)).toBe('#f-header-add');
    await p.keyboard.press('Enter');
    expect(await focused(p)).toBe('input.h-name');
    await p.keyboard.type('X-Api-Key');
    await p.keyboard.press('Tab');
    expect(await focused(p)).toBe('input.h-value');
    await p.keyboard.type(HEADER_VALUE);
    await shot(p, 'w27-keyboard-form');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#secret-dialog[open]');
    expect(await p.inputValue('#secret-value')).toMatch(/^whsec_/);
    expect(await tabTo(p, '#secret-done', 5)).toBe(true);
    await p.keyboard.press('Enter');
    await detailReady(p);
    const [hook] = (await t.caller.webhooks.list({})).items;
    expect(hook).toMatchObject({
      url,
      description: 'Typed without a mouse',
      headers: [{ name: 'X-Api-Key', value: '****live' }],
      categories: [],
    });

    expect(await tabTo(p, '#back')).toBe(true);
    await p.keyboard.press('Enter');
    await p.waitForSelector('tr.hook');
    expect(await tabTo(p, 'a.hook-link')).toBe(true);
    await shot(p, 'w28-keyboard-list-link');
    await p.keyboard.press('Enter');
    await detailReady(p);
    expect(new URL(p.url()).searchParams.get('id')).toBe(hook!.id);
    await p.close();
  });

  it('raised no uncaught error in any page', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
