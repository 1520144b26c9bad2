import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../../src/core/clock.ts';
import { createGroupIn, draftActionIn, launchChromium, openPhone, signUpIn } from '../support/browser.ts';
import { startServer } from '../support/server.ts';

/**
 * The flash-action story in a real browser, on a server whose clock the test moves: an
 * organizer plans a two-city action, a participant says they will come without an account,
 * sees nothing secret until its minute, checks in with the code on the marshal's screen,
 * receives the target at the reveal, and then the dispersal.
 */
const staging = 'Staging point: the bandstand in Victoria Park';
const target = 'TARGET: the lobby of the bank on Main Street';
const regroup = 'Regroup at the community kitchen, back door';
const instruction = 'Move to the north entrance';

/** What page.evaluate callbacks use of the browser (this project's TypeScript has no DOM types). */
interface BrowserGlobals {
  localStorage: { getItem(key: string): string | null; length: number; key(i: number): string | null };
}

describe('in Chromium: a flash action from the call to the dispersal', () => {
  const clock = new ManualClock('2026-06-01T12:00:00.000Z');
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    server = await startServer({ clock });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const phone = () => openPhone(browser, problems);

  /** Moves the server's clock; release timers are picked up by the job runner's next poll. */
  async function moveClockTo(at: string): Promise<void> {
    clock.set(at);
    const runner = (server as { jobs?: { runDue(): Promise<number> } }).jobs;
    await runner?.runDue();
  }

  it('organizer plans and publishes; a participant RSVPs, checks in, receives the target at its minute, then disperses', async () => {
    // The organizer: an account, a group, and the action's draft.
    const { page: organizer } = await phone();
    await signUpIn(organizer, server.url, 'rosa');
    await createGroupIn(organizer, server.url, 'River Choir');
    const slug = await draftActionIn(organizer, 'Sing for the river', 'We sing *together*, where it matters.');

    // Two cities.
    const cities = organizer.getByRole('region', { name: 'Cities' });
    await organizer.getByText('Add a city', { exact: true }).click();
    for (const [city, zone] of [
      ['Berlin', 'Europe/Berlin'],
      ['London', 'Europe/London'],
    ] as const) {
      await cities.getByLabel('City', { exact: true }).fill(city);
      await cities.getByLabel('Find a time zone').fill(city);
      await cities.getByLabel('Time zone', { exact: true }).selectOption(zone);
      await cities.getByRole('button', { name: 'Add city' }).click();
      await organizer.getByText(`${city} was added.`).waitFor();
    }

    // The staging point an hour before, the target five minutes before, the regroup at the end.
    const reveal = organizer.getByRole('region', { name: 'What to reveal, and when' });
    await organizer.getByText('Add something to reveal', { exact: true }).click();
    for (const [tier, minutes, direction, text] of [
      ['People who said they will come', '60', 'before the start', staging],
      ['People at the staging point', '5', 'before the start', target],
      ['People who said they will come', '30', 'after the start', regroup],
    ] as const) {
      await reveal.getByLabel(tier, { exact: true }).check();
      await reveal.getByLabel('How many minutes').fill(minutes);
      await reveal.getByLabel('Before or after').selectOption({ label: direction });
      await reveal.getByLabel('What to say').fill(text);
      await reveal.getByRole('button', { name: 'Add', exact: true }).click();
      await reveal.getByRole('listitem').filter({ hasText: text }).first().waitFor();
    }
    await organizer.getByRole('button', { name: 'Publish the call' }).click();
    await organizer.getByText('The call is out.').first().waitFor();

    // The participant: no account, one tap.
    const { context: participantContext, page: participant } = await phone();
    await participant.goto(`${server.url}/a/${slug}`);
    await participant.getByTestId('action-title').waitFor();
    await participant.getByRole('button', { name: 'I’ll be there in Berlin' }).click();
    await participant.getByTestId('rsvp-status').waitFor();
    assert.doesNotMatch(participant.url(), /ticket/i, 'the ticket stays out of the address bar');
    await participant.getByRole('link', { name: 'Open the live page' }).click();
    await participant.waitForURL(/\/live$/);
    await participant.getByTestId('live-title').waitFor();
    await participant.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();

    let text = await participant.locator('body').innerText();
    assert.ok(!text.includes(staging), 'no staging point before its release');
    assert.ok(!text.includes(target), 'no target before the reveal');

    // Staging point released an hour before the start.
    await moveClockTo('2026-06-01T13:00:00.000Z');
    await participant.getByTestId('live-staging').getByText(staging).waitFor({ timeout: 15_000 });
    text = await participant.locator('body').innerText();
    assert.ok(!text.includes(target), 'the staging point brings no target with it');

    // Check in with the code on the marshal's screen.
    await moveClockTo('2026-06-01T13:30:00.000Z');
    await organizer.reload();
    await organizer.getByRole('button', { name: 'Show check-in code: Berlin' }).click();
    const code = (await organizer.getByTestId('checkin-code').textContent())?.trim() ?? '';
    assert.match(code, /^[2-9A-Z]{3} [2-9A-Z]{3}$/);
    await organizer.getByRole('button', { name: 'Close' }).click();
    await participant.getByLabel('Code from the marshals').fill(code.toLowerCase());
    await participant.getByRole('button', { name: 'Check in' }).click();
    await participant.getByTestId('checked-in').waitFor();
    await participant.getByTestId('live-tier').filter({ hasText: 'Checked in' }).waitFor();
    await participant.waitForTimeout(500);
    text = await participant.locator('body').innerText();
    assert.ok(!text.includes(target), 'checked in, but the target waits for its minute');
    assert.equal(await participant.getByTestId('live-reveal').count(), 0);

    // The reveal.
    await moveClockTo('2026-06-01T13:55:00.000Z');
    await participant.getByTestId('live-reveal').getByText(target).waitFor({ timeout: 15_000 });
    await participant.getByTestId('live-announcer').filter({ hasText: target }).waitFor();

    // A marshal's instruction reaches the phone as it is sent.
    await organizer.reload();
    const broadcast = organizer.getByRole('region', { name: 'Broadcast' });
    await broadcast.getByLabel('Message').fill(instruction);
    await broadcast.getByLabel('To').selectOption({ label: 'Everyone checked in' });
    await broadcast.getByLabel('Where').selectOption({ label: 'Berlin' });
    await broadcast.getByRole('button', { name: 'Send now' }).click();
    await broadcast.getByText('Sent.').waitFor();
    await participant.getByTestId('live-broadcasts').getByText(instruction).waitFor();
    await participant.getByTestId('live-announcer').filter({ hasText: instruction }).waitFor();

    // The dispersal, with the regroup point.
    await moveClockTo('2026-06-01T14:30:00.000Z');
    await participant.getByTestId('live-disperse').getByText(regroup).waitFor({ timeout: 15_000 });

    // What was received stays on the phone for the offline page...
    const stored = (s: string) =>
      participant.evaluate((key) => {
        const storage = (globalThis as unknown as BrowserGlobals).localStorage;
        return Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').filter((k) => k.endsWith(key));
      }, s);
    const kept = await participant.evaluate((s) => (globalThis as unknown as BrowserGlobals).localStorage.getItem(`blossom.live.${s}`) ?? '', slug);
    assert.ok(kept.includes(target));
    assert.equal((await stored(slug)).length, 2, 'the ticket and what was received');

    // ...until the retention window (an hour by default) has passed and the secrets are erased:
    // then the page says the action is over, and the phone forgets the ticket and what it kept.
    await moveClockTo('2026-06-01T15:31:00.000Z');
    await participant.getByTestId('action-over').waitFor({ timeout: 20_000 });
    assert.deepEqual(await stored(slug), []);
    assert.ok(!(await participant.locator('body').innerText()).includes(target));
    await participantContext.close();

    assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  });
});
