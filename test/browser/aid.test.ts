import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { startServer } from '../support/server.ts';

/**
 * Mutual aid in a real browser: someone without an account asks a network for help from
 * their phone; a neighbour who offered that kind of help nearby sees it among their matches,
 * takes it, and only then sees the address and contact; they mark it done, and the page the
 * person who asked left open says so by itself.
 */
const address = '12 Example Street, flat 3';
const contact = 'Signal +44 7700 900123';
const description = 'Groceries for a family of 4, no pork.';

/** What page.evaluate callbacks use of the browser (this project's TypeScript has no DOM types). */
interface BrowserGlobals {
  localStorage: { length: number; key(i: number): string | null; getItem(key: string): string | null };
}

describe('in Chromium: a need, matched, taken and fulfilled', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** A phone somewhere in east London that lets the page ask where it is. */
  async function phone(where: { latitude: number; longitude: number }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      permissions: ['geolocation'],
      geolocation: where,
    });
    // Anything the CSP blocks (an inline style, a tile from elsewhere) fails the test.
    await context.addInitScript(() => {
      const doc = (globalThis as unknown as { document: { addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void } }).document;
      doc.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    return { context, page };
  }

  async function signUp(page: Page, handle: string): Promise<void> {
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
  }

  it('a person without an account asks; a helper nearby takes it, sees the contact only then, and marks it done', async () => {
    // A coordinator starts the network.
    const { page: coordinator } = await phone({ latitude: 51.52, longitude: -0.08 });
    await signUp(coordinator, 'rosa');
    await coordinator.goto(`${server.url}/groups/new`);
    await coordinator.getByLabel('Name').fill('Eastside Mutual Aid');
    await coordinator.getByLabel('Network', { exact: true }).check();
    await coordinator.getByLabel('Public', { exact: true }).check();
    await coordinator.getByLabel('Open', { exact: true }).check();
    await coordinator.getByLabel('City').fill('London');
    await coordinator.getByLabel('Latitude').fill('51.52');
    await coordinator.getByLabel('Longitude').fill('-0.08');
    await coordinator.getByRole('button', { name: 'Create group' }).click();
    await coordinator.waitForURL(/\/g\/[a-z0-9-]+$/);
    const slug = new URL(coordinator.url()).pathname.split('/')[2]!;

    // A neighbour joins and offers food, from where their phone says they are.
    const { page: helper } = await phone({ latitude: 51.5203, longitude: -0.0812 });
    await signUp(helper, 'tomas');
    await helper.goto(`${server.url}/g/${slug}`);
    await helper.getByRole('button', { name: 'Join group' }).click();
    await helper.getByText('You are in this group as: Member.').waitFor();
    await helper.getByRole('link', { name: 'Open mutual aid' }).click();
    await helper.getByRole('link', { name: 'I can help' }).click();
    await helper.getByLabel('Food', { exact: true }).check();
    await helper.getByLabel('Say a little more').fill('I can bring groceries on weekday evenings.');
    await helper.getByRole('button', { name: 'Use my location' }).click();
    await helper.getByTestId('area-chosen').waitFor();
    await helper.getByRole('button', { name: 'Offer help' }).click();
    await helper.waitForURL(`${server.url}/aid`);
    await helper.getByTestId('my-offers').getByText('I can bring groceries').waitFor();

    // Someone with no account asks for help, about a kilometre away.
    const { page: asker } = await phone({ latitude: 51.5231, longitude: -0.0755 });
    await asker.goto(`${server.url}/g/${slug}`);
    await asker.getByRole('link', { name: 'I need help' }).click();
    await asker.getByRole('heading', { name: 'Ask for help' }).waitFor();
    await asker.getByLabel('Food', { exact: true }).check();
    await asker.getByLabel('Say a little more').fill(description);
    await asker.getByLabel('Today', { exact: true }).check();
    // No area yet: the form says so instead of sending.
    await asker.getByRole('button', { name: 'Send my request' }).click();
    await asker.getByRole('alert').getByText(/Choose a rough area/).waitFor();
    await asker.getByRole('button', { name: 'Use my location' }).click();
    await asker.getByTestId('area-chosen').waitFor();
    assert.match((await asker.getByTestId('area-chosen').textContent()) ?? '', /51\.52, -0\.08/, 'the position is rounded to about 1 km before it is sent');
    await asker.getByLabel('Exact address').fill(address);
    await asker.getByLabel('How to reach you').fill(contact);
    await asker.getByRole('button', { name: 'Send my request' }).click();
    await asker.waitForURL(/\/aid\/needs\/[0-9a-f-]+$/);
    const needPath = new URL(asker.url()).pathname;
    await asker.getByTestId('need-status').getByText('Waiting for a helper').waitFor();
    await asker.getByTestId('need-contact').getByText(contact).waitFor();
    // The ticket stays on the phone: in storage, never in the address.
    const stored = await asker.evaluate(() => {
      const storage = (globalThis as unknown as BrowserGlobals).localStorage;
      const values: string[] = [];
      for (let i = 0; i < storage.length; i++) values.push(storage.getItem(storage.key(i) ?? '') ?? '');
      return values.join('\n');
    });
    const ticket = /"ticket":"([^"]+)"/.exec(stored)?.[1] ?? '';
    assert.ok(ticket.length >= 20, 'the device ticket is kept in localStorage');
    assert.ok(!asker.url().includes(ticket), 'the device ticket is not in the address');

    // The helper sees it among the needs that fit their offer, nearest first, without the private part.
    await helper.reload();
    const match = helper.getByTestId('my-matches').getByTestId('need-card').filter({ hasText: description });
    await match.waitFor();
    assert.match((await match.textContent()) ?? '', /under 1 km|about 1(\.\d)? km/);
    let html = await helper.content();
    assert.ok(!html.includes(contact) && !html.includes(address), 'no contact or address before taking it');
    const before = await helper.request.get(`${server.url}/api/v1${needPath}`);
    assert.equal(before.status(), 200);
    const beforeText = await before.text();
    assert.ok(!beforeText.includes(contact) && !beforeText.includes(address), 'the API holds them back too');

    await match.getByRole('button', { name: /I’ll take it/ }).click();
    await helper.waitForURL(`${server.url}${needPath}`);
    await helper.getByTestId('need-contact').getByText(contact).waitFor();
    await helper.getByTestId('need-place').getByText(address).waitFor();
    await helper.getByTestId('need-status').getByText('A helper is on it').waitFor();

    // The coordinator dispatches from the coarse area and the helper's name, never the contact.
    await coordinator.goto(`${server.url}/g/${slug}/aid/dispatch`);
    await coordinator.getByText('Held by tomas (@tomas)').waitFor();
    html = await coordinator.content();
    assert.ok(!html.includes(contact) && !html.includes(address), 'coordinators do not see the contact');

    // The page the asker left open learns of the claim by itself (it checks every 20 s).
    await asker.getByTestId('need-status').getByText('A helper is on it').waitFor({ timeout: 30_000 });
    await asker.getByTestId('need-announcement').getByText('Good news: tomas (@tomas) has taken your request.').waitFor();

    await helper.getByRole('button', { name: 'Mark as done' }).click();
    await helper.getByTestId('need-status').getByText('Done').waitFor();
    html = await helper.content();
    assert.ok(!html.includes(contact), 'once it is done, the helper no longer sees the contact');

    await asker.getByTestId('need-status').getByText('Done').waitFor({ timeout: 30_000 });
    await asker.getByTestId('need-announcement').getByText('This request was marked as done.').waitFor();
    await asker.reload();
    await asker.getByTestId('need-status').getByText('Done').waitFor();

    assert.deepEqual(
      problems.filter((p) => !/status of 4\d\d/.test(p)),
      [],
    );
  });
});
