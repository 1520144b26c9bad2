import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { plainText } from './calendar.ts';
import { addNode, api, draftAction, newGroup, publish, stage, type Stage } from './organizer-fixtures.ts';

describe('calendar: the call as plain text', () => {
  it('keeps the words and link targets, drops the markup', () => {
    assert.equal(
      plainText('# Bloom\n\nCome **all**, see [the map](https://example.org/map) and `bring tea`.\n\n- water\n- a flower\n\n<b>raw</b>'),
      'Bloom\n\nCome all, see the map <https://example.org/map> and bring tea.\n\n- water\n\n- a flower\n\n<b>raw</b>',
    );
  });
});

for (const dialect of dialects) {
  describe(`actions: calendar file on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let organizer: Caller;
    let core: string;
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      organizer = await s.person('organizer');
      core = await newGroup(organizer, 'Core Crew');
    });
    after(async () => s?.t.dispose());

    it('holds one event per city with the public facts only', { skip }, async () => {
      const action = await draftAction(organizer, core, {
        title: 'Tea, cake; and a very long title that will certainly need folding in the calendar file',
        call: 'Join us **in numbers**.',
        timing: { mode: 'same-local', wall: '2026-06-20T17:00' },
      });
      const london = await addNode(organizer, action.slug, 'London', 'Europe/London');
      await addNode(organizer, action.slug, 'Tokyo', 'Asia/Tokyo');
      await organizer.call('POST', `${api}/actions/${action.slug}/disclosures`, { tier: 'rsvp', offsetMinutes: -60, nodeId: london.id, text: 'SECRET-STAGING' });
      await publish(organizer, action.slug);
      const res = await s.anonymous().call('GET', `${api}/actions/${action.slug}/calendar.ics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8');
      assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="action-[A-Za-z0-9_-]+\.ics"/);
      const lines = res.text.split('\r\n');
      assert.equal(lines.at(-1), '', 'ends with CRLF');
      assert.ok(lines.every((line) => Buffer.byteLength(line) <= 75), 'lines are folded at 75 octets');
      const unfolded = res.text.replace(/\r\n /g, '');
      assert.equal(unfolded.match(/BEGIN:VEVENT/g)?.length, 2);
      // Tokyo's 17:00 comes first in UTC.
      assert.match(unfolded, /DTSTART:20260620T080000Z\r\nDTEND:20260620T093000Z\r\nSUMMARY:Tea\\, cake\\; and a very long title .* — Tokyo/);
      assert.match(unfolded, /DTSTART:20260620T160000Z/);
      assert.match(unfolded, /DESCRIPTION:Join us in numbers\.\\n\\nBring: Water\\, a flower\\n\\nhttp:\/\/localhost\/a\//);
      assert.match(unfolded, new RegExp(`URL:http://localhost/a/${action.slug}`));
      assert.doesNotMatch(unfolded, /SECRET-STAGING/);
    });

    it('is as hidden as the action it belongs to', { skip }, async () => {
      const closed = await draftAction(organizer, core, { visibility: 'closed' });
      await addNode(organizer, closed.slug, 'Leeds', 'Europe/London');
      await publish(organizer, closed.slug);
      const outsider = await s.person('outsider');
      const res = await outsider.call('GET', `${api}/actions/${closed.slug}/calendar.ics`);
      assert.equal(res.status, 404);
      assert.equal(res.text, (await outsider.call('GET', `${api}/actions/none/calendar.ics`)).text);
      assert.equal((await organizer.call('GET', `${api}/actions/${closed.slug}/calendar.ics`)).status, 200);
    });
  });
}
