import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPhone } from '../support/browser.ts';
import { startServer } from '../support/server.ts';

/** The foundation story in a real browser: one person forms a group, a second joins by invitation. */
describe('in Chromium: form a group and bring someone in', () => {
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

  const phone = async (): Promise<Page> => (await openPhone(browser, problems)).page;

  async function signUp(page: Page, handle: string): Promise<void> {
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
  }

  it('organizer signs up, creates a group and makes an invitation; a friend follows it and joins', async () => {
    const organizer = await phone();
    await organizer.goto(`${server.url}/signup`);
    await signUp(organizer, 'rosa');
    await organizer.waitForURL((url) => !url.pathname.startsWith('/signup'));

    await organizer.goto(`${server.url}/groups/new`);
    await organizer.getByLabel('Name').fill('Bike Kitchen Collective');
    await organizer.getByLabel('Affinity group').check();
    await organizer.getByLabel('Secret').check();
    await organizer.getByLabel('Invitation only').check();
    await organizer.getByLabel('Description').fill('We fix bikes *together*.');
    await organizer.getByRole('button', { name: 'Create group' }).click();
    await organizer.waitForURL(/\/g\/[a-z0-9-]+$/);
    assert.equal(await organizer.getByTestId('group-title').textContent(), 'Bike Kitchen Collective');

    await organizer.getByLabel('How many people can use it').fill('1');
    await organizer.getByRole('button', { name: 'Create invitation link' }).click();
    const link = (await organizer.getByTestId('invite-link').textContent())?.trim() ?? '';
    assert.match(link, /\/invite\/[A-Za-z0-9_-]{20,}$/);

    const friend = await phone();
    await friend.goto(link);
    await friend.getByRole('link', { name: 'Sign up and accept' }).click();
    await signUp(friend, 'tomas');
    await friend.getByRole('button', { name: 'Accept invitation' }).click();
    await friend.waitForURL(/\/g\/[a-z0-9-]+$/);
    assert.equal(await friend.getByTestId('group-title').textContent(), 'Bike Kitchen Collective');

    const members = friend.getByTestId('member-list');
    await members.getByText('@tomas').waitFor();
    await members.getByText('@rosa').waitFor();

    // The link was for one person only; a third visitor is told so.
    const stranger = await phone();
    await stranger.goto(link);
    await stranger.getByText(/used/i).first().waitFor();

    assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  });
});
