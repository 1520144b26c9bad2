import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const chromiumPath = process.env.BLOSSOM_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing that phones home (this machine has no internet). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not installed at ${chromiumPath}: run \`apt-get install -y chromium\` (.ci/run does this)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A phone-sized page whose errors and console errors are collected into `problems`. */
export async function openPhone(
  browser: Browser,
  problems: string[],
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, ...options });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return { context, page };
}

export const testPassword = 'a long enough passphrase';

/** Signs up through the form and waits until the app has moved on. */
export async function signUpIn(page: Page, baseUrl: string, handle: string): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password', { exact: true }).fill(testPassword);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
}

/** Creates a group with the form's defaults and lands on its page. */
export async function createGroupIn(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/groups/new`);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForURL(/\/g\/[a-z0-9-]+$/);
}

/**
 * From the group page, drafts a semi-open action starting 2026-06-01 14:00 UTC for 30 minutes,
 * and returns its slug once the console is open.
 */
export async function draftActionIn(page: Page, title: string, call: string): Promise<string> {
  await page.getByRole('link', { name: 'Plan an action' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('The call').fill(call);
  await page.getByLabel('By link').check();
  await page.getByLabel('The same instant everywhere').check();
  await page.getByLabel('Date', { exact: true }).fill('2026-06-01');
  await page.getByLabel('Start time').fill('14:00');
  await page.getByLabel('Find a time zone').fill('UTC');
  await page.getByLabel('Time zone for the start').selectOption('UTC');
  await page.getByLabel('Duration in minutes').fill('30');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await page.waitForURL(/\/a\/[^/]+\/console$/);
  return new URL(page.url()).pathname.split('/')[2]!;
}
