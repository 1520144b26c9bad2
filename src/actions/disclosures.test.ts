import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { tierRank, type Tier } from './model.ts';
import { addNode, api, draftAction, join, newGroup, publish, rsvp, stage, userId, type Stage } from './organizer-fixtures.ts';
import { plaintextSightings } from './plaintext-scan.ts';

/**
 * Never early, never to the wrong tier: canary disclosures, every caller, every organizer
 * route, at instants before, between and after the releases.
 */
const start = Date.parse('2026-06-20T16:00:00Z');
const minute = 60_000;
const tag = () => randomBytes(6).toString('hex');

interface Canary { key: string; tier: Tier; node: 'London' | 'Berlin' | null; offset: number; text: string; place?: string }
const canaries: Canary[] = [
  { key: 'public', tier: 'public', node: null, offset: -60, text: `CANARY-public-${tag()}` },
  { key: 'staging', tier: 'rsvp', node: null, offset: -120, text: `CANARY-staging-${tag()}`, place: `PLACE-staging-${tag()}` },
  { key: 'london', tier: 'rsvp', node: 'London', offset: -90, text: `CANARY-london-${tag()}` },
  { key: 'berlin', tier: 'present', node: 'Berlin', offset: -10, text: `CANARY-berlin-${tag()}` },
  { key: 'target', tier: 'present', node: null, offset: -5, text: `CANARY-target-${tag()}` },
  { key: 'notes', tier: 'marshal', node: null, offset: -1440, text: `CANARY-notes-${tag()}` },
];
/** iCalendar folds long lines; a canary split across a fold must still be found. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');
const needles = canaries.flatMap((c) => (c.place ? [c.text, c.place] : [c.text]));

/** What a holder of these tiers per node may have seen by `now` — the rule, written out independently. */
function entitled(tiers: Partial<Record<'London' | 'Berlin', Tier>>, now: number): Set<string> {
  const seen = new Set<string>();
  for (const [city, tier] of Object.entries(tiers) as ['London' | 'Berlin', Tier][]) {
    for (const c of canaries) {
      if (c.node !== null && c.node !== city) continue;
      if (tierRank(c.tier) > tierRank(tier)) continue;
      if (tier !== 'marshal' && start + c.offset * minute > now) continue;
      seen.add(c.text);
      if (c.place) seen.add(c.place);
    }
  }
  return seen;
}

for (const dialect of dialects) {
  describe(`actions: disclosures never early, never to the wrong tier, on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let slug: string;
    let nodeIds: Record<string, string>;
    interface Holder { name: string; caller: Caller; ticket?: string; tiers: Partial<Record<'London' | 'Berlin', Tier>> }
    const holders: Holder[] = [];
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      const organizer = await s.person('organizer');
      const corey = await s.person('corey');
      const rosa = await s.person('rosa');
      const core = await newGroup(organizer, 'Core Crew');
      await join(corey, core);
      const action = await draftAction(organizer, core, { title: 'Canary run' });
      slug = action.slug;
      const london = await addNode(organizer, slug, 'London', 'Europe/London', { marshals: ['corey'] });
      const berlin = await addNode(organizer, slug, 'Berlin', 'Europe/Berlin');
      nodeIds = { London: london.id, Berlin: berlin.id };
      for (const c of canaries) {
        const res = await organizer.call('POST', `${api}/actions/${slug}/disclosures`, {
          tier: c.tier, offsetMinutes: c.offset, nodeId: c.node ? nodeIds[c.node] : null, text: c.text,
          ...(c.place ? { place: { label: c.place, lat: 51.5072, lon: -0.1276 } } : {}),
        });
        assert.equal(res.status, 201, res.text);
      }
      await publish(organizer, slug);
      const anon = () => s.anonymous();
      holders.push(
        { name: 'anonymous', caller: anon(), tiers: { London: 'public', Berlin: 'public' } },
        { name: 'outsider', caller: await s.person('outsider'), tiers: { London: 'public', Berlin: 'public' } },
        { name: 'stale ticket', caller: anon(), ticket: 'not-a-real-ticket', tiers: { London: 'public', Berlin: 'public' } },
        { name: 'rsvp (account)', caller: rosa, tiers: { London: 'rsvp', Berlin: 'public' } },
        { name: 'rsvp (ticket)', caller: anon(), ticket: await rsvp(s.t, slug, london.id), tiers: { London: 'rsvp', Berlin: 'public' } },
        { name: 'rsvp Berlin', caller: anon(), ticket: await rsvp(s.t, slug, berlin.id), tiers: { London: 'public', Berlin: 'rsvp' } },
        { name: 'present', caller: anon(), ticket: await rsvp(s.t, slug, london.id, { checkedIn: true }), tiers: { London: 'present', Berlin: 'public' } },
        { name: 'present Berlin', caller: anon(), ticket: await rsvp(s.t, slug, berlin.id, { checkedIn: true }), tiers: { London: 'public', Berlin: 'present' } },
        { name: 'marshal London', caller: corey, tiers: { London: 'marshal', Berlin: 'public' } },
        { name: 'organizer', caller: organizer, tiers: { London: 'marshal', Berlin: 'marshal' } },
      );
      await rsvp(s.t, slug, london.id, { userId: await userId(s.t, 'rosa') });
    });
    after(async () => s?.t.dispose());

    it('keeps every canary out of the database in plaintext', { skip }, async () => {
      assert.deepEqual(await plaintextSightings(s.t.fixture, needles), []);
    });

    // Far before and after, and a millisecond before and exactly at every release instant.
    const instants: Record<string, number> = { 'a fortnight before': Date.parse('2026-06-06T12:00:00Z'), 'T+60': start + 60 * minute };
    for (const c of canaries) {
      const release = start + c.offset * minute;
      instants[`1 ms before ${c.key} (T${c.offset})`] = release - 1;
      instants[`exactly at ${c.key} (T${c.offset})`] = release;
    }

    for (const [when, at] of Object.entries(instants)) {
      it(`answers each tier only what it is entitled to, ${when}`, { skip }, async () => {
        s.t.clock.set(new Date(at));
        for (const holder of holders) {
          const allowed = entitled(holder.tiers, at);
          const headers: Record<string, string> = holder.ticket ? { 'x-blossom-ticket': holder.ticket } : {};
          const view = await holder.caller.call('GET', `${api}/actions/${slug}`, undefined, headers);
          assert.equal(view.status, 200);
          const shown = new Set(needles.filter((n) => view.text.includes(n)));
          assert.deepEqual([...shown].sort(), [...allowed].sort(), `${holder.name} ${when}: the view`);
          const byQuery = holder.ticket ? await holder.caller.call('GET', `${api}/actions/${slug}?ticket=${encodeURIComponent(holder.ticket)}`) : view;
          assert.equal(byQuery.text.replace(/"now":"[^"]*"/, ''), view.text.replace(/"now":"[^"]*"/, ''), `${holder.name}: ticket by query`);

          const sweep = [
            ['GET', `${api}/actions`],
            ['GET', `${api}/actions/${slug}/calendar.ics`],
            ['GET', `${api}/actions/${slug}/playbook`],
            ['GET', `${api}/actions/${slug}/disclosures`],
            ['GET', `${api}/actions/${slug}/nodes/${nodeIds.London}/code`],
            ['GET', `${api}/actions/${slug}/nodes/${nodeIds.Berlin}/code`],
            ['PATCH', `${api}/actions/${slug}`, { title: '' }],
            ['POST', `${api}/actions/${slug}/disclosures`, { tier: 'rsvp', offsetMinutes: 99999, text: '' }],
            ['PATCH', `${api}/actions/${slug}/nodes/${nodeIds.Berlin}`, { zone: 'Nowhere/Else' }],
          ] as const;
          for (const [method, path, body] of sweep) {
            const res = await holder.caller.call(method, path, body, headers);
            const text = unfold(res.text);
            const leaked = needles.filter((n) => text.includes(n) && !allowed.has(n));
            assert.deepEqual(leaked, [], `${holder.name} ${when}: ${method} ${path} answered ${res.status}`);
          }
          // A calendar file travels: public tier only, whoever downloads it.
          const ics = await holder.caller.call('GET', `${api}/actions/${slug}/calendar.ics`, undefined, headers);
          const publicOnly = entitled({ London: 'public', Berlin: 'public' }, at);
          assert.deepEqual(needles.filter((n) => unfold(ics.text).includes(n)), [...publicOnly], `${holder.name} ${when}: .ics`);
        }
      });
    }

    it('gives marshals the console for their nodes only, with release instants per node', { skip }, async () => {
      s.t.clock.set(new Date(start - 3 * 24 * 60 * minute));
      const corey = holders.find((h) => h.name === 'marshal London')!.caller;
      const res = await corey.call('GET', `${api}/actions/${slug}/disclosures`);
      assert.equal(res.status, 200);
      const texts = res.body.disclosures.map((d: { text: string }) => d.text).sort();
      assert.deepEqual(texts, canaries.filter((c) => c.node !== 'Berlin').map((c) => c.text).sort());
      const target = res.body.disclosures.find((d: { tier: string }) => d.tier === 'present');
      assert.deepEqual(target.releases, [{ nodeId: nodeIds.London, city: 'London', releaseAt: '2026-06-20T15:55:00.000Z', released: false }]);
      const organizer = holders.find((h) => h.name === 'organizer')!.caller;
      const all = await organizer.call('GET', `${api}/actions/${slug}/disclosures`);
      assert.equal(all.body.disclosures.length, canaries.length);
      assert.equal(all.body.disclosures.find((d: { tier: string; nodeId: string | null }) => d.tier === 'present' && d.nodeId === null).releases.length, 2);
    });
  });
}
