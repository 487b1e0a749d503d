import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '@audit/local-servers';

/**
 * What the viewer's browser tests share: Debian's Chromium driven by playwright-core, a throwaway
 * profile, screenshots under test-artifacts/viewer, and a few reads of the page's state that the
 * Node-side TypeScript (no DOM lib) cannot write as functions.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'viewer');
export const hasChromium = existsSync(CHROMIUM);

/**
 * The browser's zone. Not UTC on purpose: `<input type="datetime-local">` is read in local time,
 * and a zone with a half-hour offset shows a page that treats it as UTC (or drops the minutes).
 */
export const BROWSER_ZONE = 'Asia/Kolkata';

export function warnWithoutChromium(what: string): void {
  if (!hasChromium) console.warn(`[viewer] skipping ${what}: ${CHROMIUM} is absent (apt-get install -y chromium)`);
}

export interface Browser {
  context: BrowserContext;
  /** Uncaught errors of every page of the context, as `url: message`. */
  pageErrors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function openBrowser(
  opts: { viewport?: { width: number; height: number }; timezoneId?: string } = {},
): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'viewer-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: opts.viewport ?? { width: 1440, height: 900 },
      timezoneId: opts.timezoneId ?? BROWSER_ZONE,
      locale: 'en-US',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const pageErrors: string[] = [];
  const watch = (p: Page) => p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    pageErrors,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A screenshot, test-artifacts/viewer/<name>.png: the full page unless `fullPage: false` (the viewport as it is). */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** Evaluates a page expression (a string: this package compiles without the DOM lib). */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

/** What has the keyboard focus: `#id`, else `tag.class1.class2`, plus `[data-id]` when set. */
export function focused(page: Page): Promise<string> {
  return inPage<string>(
    page,
    `(() => { const a = document.activeElement; if (!a) return ''; const id = a.getAttribute('data-id');
      return (a.id ? '#' + a.id : a.tagName.toLowerCase() + [...a.classList].map((c) => '.' + c).join('')) + (id ? '[' + id + ']' : ''); })()`,
  );
}

/** The `data-id` of what has the focus (an event or delivery row), or null. */
export function focusedDataId(page: Page): Promise<string | null> {
  return inPage<string | null>(page, 'document.activeElement ? document.activeElement.getAttribute("data-id") : null');
}

/** Horizontal overflow of the document: the page should never scroll sideways. */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return inPage(
    page,
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  );
}

/** Presses Tab until `selector` (a CSS selector) has the focus; false when it never gets it. */
export async function tabTo(page: Page, selector: string, max = 40): Promise<boolean> {
  const test = `document.activeElement !== null && document.activeElement.matches(${JSON.stringify(selector)})`;
  for (let i = 0; i < max; i++) {
    if (await inPage<boolean>(page, test)) return true;
    await page.keyboard.press('Tab');
  }
  return inPage<boolean>(page, test);
}

/**
 * The wall-clock minute a `datetime-local` input shows for an instant in `timeZone`, computed
 * with Intl here rather than with the page's own conversion.
 */
export function wallClock(at: Date | number, timeZone: string = BROWSER_ZONE): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

/** Whole minutes, as a datetime-local input holds them. */
export const floorMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
export const ceilMinute = (ms: number) => Math.ceil(ms / 60_000) * 60_000;
