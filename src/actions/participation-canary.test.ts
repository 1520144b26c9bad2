import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { tierRank, type Tier } from './model.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, catchUpOf, checkInNow, rsvpFor, scene, stagingAt, targetAt, ticketHeader, type Scene } from './participation-fixtures.ts';
import { plaintextSightings } from './plaintext-scan.ts';

/**
 * The canary sweep of the participant side: a canary in the rsvp-tier staging point, one in
 * the present-tier target, one in a present-tier broadcast. For every kind of caller, at
 * instants around each release, every route that caller can call — JSON, the live stream's
 * catch-up, the calendar — shows a canary only where the rule allows it.
 */
interface Holder { name: string; caller: Caller; ticket?: string; tier: Tier }

const whisper = 'CANARY-whisper-sweep';
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');

for (const dialect of dialects) {
  describe(`actions: canary sweep of the participant routes on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let sc: Scene;
    const holders: Holder[] = [];
    /** What the rule lets a tier see at `now`; marshals may also see what is still to come (`early`). */
    const entitled = (tier: Tier, now: number, early = false): string[] => {
      const seen: string[] = [];
      const may = (needed: Tier, releaseAt: number) => tierRank(tier) >= tierRank(needed) && (now >= releaseAt || (early && tier === 'marshal'));
      if (may('rsvp', Date.parse(stagingAt))) seen.push(sc.staging.text);
      if (may('present', Date.parse(targetAt))) seen.push(sc.target.text);
      if (may('present', 0)) seen.push(whisper);
      return seen;
    };
    const needles = () => [sc.staging.text, sc.target.text, whisper];
    const shown = (text: string) => needles().filter((n) => unfold(text).includes(n));

    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      sc = await scene(s, { tag: 'sweep' });
      s.t.clock.set(at(-200));
      const rsvpPhone = s.anonymous();
      const presentPhone = s.anonymous();
      const rsvpTicket = await rsvpFor(rsvpPhone, sc.slug, sc.nodeId);
      const presentTicket = await rsvpFor(presentPhone, sc.slug, sc.nodeId);
      await checkInNow(s, sc, presentPhone, presentTicket);
      const said = await sc.marshal.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'present', text: whisper, nodeId: sc.nodeId });
      assert.equal(said.status, 201);
      holders.push(
        { name: 'anonymous', caller: s.anonymous(), tier: 'public' },
        { name: 'outsider', caller: await s.person('sweep_outsider'), tier: 'public' },
        { name: 'rsvp', caller: rsvpPhone, ticket: rsvpTicket, tier: 'rsvp' },
        { name: 'present', caller: presentPhone, ticket: presentTicket, tier: 'present' },
        { name: 'marshal', caller: sc.marshal, tier: 'marshal' },
        { name: 'organizer', caller: sc.organizer, tier: 'marshal' },
      );
    });
    after(async () => s?.t.dispose());

    it('keeps every canary out of the database in plaintext', { skip }, async () => {
      assert.deepEqual(await plaintextSightings(s.t.fixture, needles()), []);
    });

    const instants: Record<string, () => number> = {
      'before the staging point': () => Date.parse(stagingAt) - 60_000,
      'exactly at the staging point': () => Date.parse(stagingAt),
      '1 ms before the target': () => Date.parse(targetAt) - 1,
      'exactly at the target': () => Date.parse(targetAt),
      'after the dispersal': () => at(100).getTime(),
    };

    for (const [when, instant] of Object.entries(instants)) {
      it(`shows each caller only what it is entitled to, ${when}`, { skip }, async () => {
        const now = instant();
        s.t.clock.set(new Date(now));
        for (const h of holders) {
          const headers = h.ticket ? ticketHeader(h.ticket) : {};
          const query = h.ticket ? `&ticket=${encodeURIComponent(h.ticket)}` : '';
          const label = (what: string) => `${h.name} ${when}: ${what}`;

          // Exactly what the rule allows, where the holder reads it.
          const view = await h.caller.call('GET', `${api}/actions/${sc.slug}`, undefined, headers);
          assert.deepEqual(shown(view.text), entitled(h.tier, now, true).filter((t) => t !== whisper), label('the action'));
          const live = await catchUpOf(s.t, h.caller, `${api}/actions/${sc.slug}/live?node=${sc.nodeId}${query}`);
          assert.equal(live.status, 200, label(live.text));
          assert.deepEqual(shown(live.text).sort(), entitled(h.tier, now).sort(), label('the live catch-up'));
          assert.equal(JSON.parse(live.events.at(-1)!.data).tier, h.tier, label('the live tier'));
          const me = await h.caller.call('GET', `${api}/actions/${sc.slug}/me`, undefined, headers);
          if (h.ticket) assert.deepEqual(shown(me.text), entitled(h.tier, now).filter((t) => t !== whisper), label('/me'));
          else assert.equal(me.status, 404, label('/me'));
          const ics = await h.caller.call('GET', `${api}/actions/${sc.slug}/calendar.ics`, undefined, headers);
          assert.deepEqual(shown(ics.text), [], label('a calendar file holds the public tier only'));

          // Everything else this caller can reach: nothing beyond its tier, in answers or errors.
          const allowed = new Set(entitled(h.tier, now, true));
          const sweep: [string, string, unknown?][] = [
            ['GET', `${api}/actions`],
            ['GET', `${api}/actions/${sc.slug}?ticket=${encodeURIComponent(h.ticket ?? '')}`],
            ['GET', `${api}/actions/${sc.slug}/me?ticket=${encodeURIComponent(h.ticket ?? '')}`],
            ['GET', `${api}/actions/${sc.slug}/disclosures`],
            ['GET', `${api}/actions/${sc.slug}/playbook`],
            ['GET', `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/code`],
            ['POST', `${api}/actions/${sc.slug}/checkin`, { code: '222222' }],
            ['POST', `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/checkins`, { ticket: 'not-a-ticket' }],
            ['POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'everyone', text: '' }],
            ...(h.ticket ? [['POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: sc.nodeId }] as [string, string, unknown]] : []),
          ];
          for (const [method, path, body] of sweep) {
            const res = await h.caller.call(method, path, body, headers);
            const leaked = shown(res.text).filter((n) => !allowed.has(n));
            assert.deepEqual(leaked, [], label(`${method} ${path} answered ${res.status}`));
          }
        }
      });
    }
  });
}
