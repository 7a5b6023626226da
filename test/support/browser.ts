import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { staleReason } from '../../scripts/build-if-stale';
import { addDays, localDateOf, localDateTime } from '../../src/common/local-time';
import { mondayOf } from '../../web/src/format';
import { TestApp } from './test-app';

export const REPO_ROOT = resolve(__dirname, '../..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'screenshots');
/** Debian's package (`apt-get install chromium`); CI installs it in .ci/run. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Compiles web/src into web/dist, as `npm run build` does, so the test serves current code;
 * nothing when the last build is current (`npm test` has just built: a compile is ~5 s, and
 * suites running side by side would otherwise rewrite web/dist under each other's pages).
 */
export function buildWebApp(): void {
  if (staleReason(REPO_ROOT) === null) return;
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'web/tsconfig.json'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
}

/** Starts the app's HTTP server on a free port and returns its base URL. */
export async function listen(app: TestApp): Promise<string> {
  await app.app.listen(0, '127.0.0.1');
  const address = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

export interface Browser {
  context: BrowserContext;
  /** A new tab: its own sessionStorage, so its own signed-in user. */
  newTab(name: string): Promise<Page>;
  /** Console errors and uncaught exceptions, by tab. */
  problems: { tab: string; kind: 'console' | 'pageerror'; text: string }[];
  close(): Promise<void>;
}

/**
 * Wednesday 08:00 in Vietnam of the week the tests run in: a moment with most of a week's
 * windows still ahead, for tests that plan or show "this week" on a clock of their own
 * (at 18:30 on a Sunday the week has nothing left to plan or show).
 */
export function midweekMorning(): Date {
  return localDateTime(addDays(mondayOf(localDateOf(new Date())), 2), 8 * 60);
}

/**
 * Headless Chromium with a fresh profile and nothing that talks to the network on its own
 * (no updates, sync, QUIC or background requests), at 1366×768.
 */
export async function launchBrowser(
  options: {
    locale?: string;
    viewport?: { width: number; height: number };
    /** More Chromium flags (a fake microphone, say). */
    extraArgs?: readonly string[];
    /** The time every tab's clock shows, standing still (the service's `ManualClock`'s). */
    fixedTime?: Date;
  } = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'loa-xa-chromium-'));
  const downloads = join(profile, 'downloads');
  mkdirSync(downloads);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The browser's own language (date and time fields follow it unless the page decides).
      `--lang=${options.locale ?? 'vi-VN'}`,
      ...(options.extraArgs ?? []),
    ],
    viewport: options.viewport ?? { width: 1366, height: 768 },
    locale: options.locale ?? 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
    downloadsPath: downloads,
  });
  if (options.fixedTime) await context.clock.setFixedTime(options.fixedTime);
  const problems: Browser['problems'] = [];
  // The persistent context opens with one blank tab; it is not used.
  for (const page of context.pages()) await page.close();
  return {
    context,
    problems,
    newTab: async (name) => {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') {
          problems.push({ tab: name, kind: 'console', text: message.text() });
        }
      });
      page.on('pageerror', (error) =>
        problems.push({ tab: name, kind: 'pageerror', text: String(error) }),
      );
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What the user sees in the window (1366×768 unless resized); `fullPage` for the whole page. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Signs in through the login form, with the keyboard only. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Tên đăng nhập').waitFor();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

/** How far the page is wider than the window (0 when nothing spills sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
}

/** The elements that reach past the window's right edge, to say what spills (test messages). */
export async function elementsPastRightEdge(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter((element) => !element.parentElement?.closest('.table-wrap, .tabs, .track'))
    .map((element) => element.tagName.toLowerCase() + '.' + element.className + ' ' + Math.round(element.getBoundingClientRect().right))
    .slice(0, 20)`);
}
