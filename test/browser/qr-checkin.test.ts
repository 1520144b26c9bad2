import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsqr from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/core/clock.ts';
import { createGroupIn, draftActionIn, launchChromium, openPhone, signUpIn } from '../support/browser.ts';
import { startServer } from '../support/server.ts';

/**
 * Checking in by QR code: a participant without an account shows their ticket as a QR code,
 * and a marshal checks them in with it. The camera cannot be driven headless, so the test
 * decodes the image the page shows and the marshal types what it says (the manual fallback).
 */
// jsqr is CommonJS with a `default` on its exports; Node's default import is those exports.
const decodeQr = jsqr.default;

describe('in Chromium: a marshal checks a participant in with the QR code of their ticket', () => {
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

  /** The pixels of the QR image as the page draws it, read back through a canvas in the page. */
  async function qrPixels(page: Page): Promise<{ width: number; height: number; data: number[] }> {
    // A string, because this project's TypeScript has no DOM types for page.evaluate callbacks.
    // The <img> itself is drawn: the page's CSP (connect-src) would refuse fetching its data: address.
    return page.evaluate(`(async () => {
      const img = document.querySelector('[data-testid="ticket-qr"] img');
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(img, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      return { width: canvas.width, height: canvas.height, data: Array.from(data) };
    })()`);
  }

  it('the participant shows the QR, the marshal enters what it holds, and the live page moves to checked in', async () => {
    const { page: marshal } = await phone();
    await signUpIn(marshal, server.url, 'rosa');
    await createGroupIn(marshal, server.url, 'River Choir');
    const slug = await draftActionIn(marshal, 'Sing for the river', 'We sing together.');
    const cities = marshal.getByRole('region', { name: 'Cities' });
    await marshal.getByText('Add a city', { exact: true }).click();
    await cities.getByLabel('City', { exact: true }).fill('Berlin');
    await cities.getByLabel('Find a time zone').fill('Berlin');
    await cities.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');
    await cities.getByRole('button', { name: 'Add city' }).click();
    await marshal.getByText('Berlin was added.').waitFor();
    await marshal.getByRole('button', { name: 'Publish the call' }).click();
    await marshal.getByText('The call is out.').first().waitFor();

    // The participant: no account; the ticket stays on the phone, and shows as a QR code.
    const { page: participant } = await phone();
    await participant.goto(`${server.url}/a/${slug}`);
    await participant.getByRole('button', { name: /^I’ll be there/ }).click();
    await participant.getByTestId('rsvp-status').waitFor();
    await participant.goto(`${server.url}/a/${slug}/live`);
    await participant.getByTestId('live-tier').filter({ hasText: 'Coming' }).waitFor();
    await participant.getByRole('button', { name: 'Show my ticket to a marshal' }).click();
    await participant.getByRole('img', { name: 'QR code of your ticket' }).waitFor();
    await participant.getByText('Only show this to the marshals at your staging point').waitFor();

    const pixels = await qrPixels(participant);
    const decoded = decodeQr(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
    assert.ok(decoded, 'the QR code on the page decodes');
    const ticket = decoded.data;
    assert.equal(await participant.getByTestId('ticket-tail').textContent(), ticket.slice(-6));

    // The marshal: the scanner panel of the city, with the typed fallback (no camera headless).
    await marshal.reload();
    await marshal.getByRole('button', { name: 'Scan tickets: Berlin' }).click();
    const scanner = marshal.getByTestId('ticket-scanner');
    await scanner.getByTestId('camera-problem').waitFor();
    await scanner.getByLabel('Ticket', { exact: true }).fill('not-a-ticket');
    await scanner.getByRole('button', { name: 'Check in this ticket' }).click();
    await scanner.getByTestId('scan-result').filter({ hasText: 'Unknown ticket' }).waitFor();
    await scanner.getByLabel('Ticket', { exact: true }).fill(ticket);
    await scanner.getByRole('button', { name: 'Check in this ticket' }).click();
    await scanner.getByTestId('scan-result').filter({ hasText: `Checked in Ticket ending ${ticket.slice(-6)}` }).waitFor();

    // The participant's page notices, puts the QR away and shows the checked-in state.
    await participant.getByTestId('checked-in').waitFor({ timeout: 10_000 });
    await participant.getByTestId('live-tier').filter({ hasText: 'Checked in' }).waitFor();
    assert.equal(await participant.getByTestId('ticket-qr').count(), 0);

    // A second scan of the same ticket says so.
    await scanner.getByLabel('Ticket', { exact: true }).fill(ticket);
    await scanner.getByRole('button', { name: 'Check in this ticket' }).click();
    await scanner.getByTestId('scan-result').filter({ hasText: 'Already checked in' }).waitFor();

    assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  });
});
