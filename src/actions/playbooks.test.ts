import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { addNode, api, draftAction, join, newGroup, publish, stage, type Stage } from './organizer-fixtures.ts';
import { placeholders } from './playbook-model.ts';

const start = Date.parse('2026-06-20T16:00:00Z');
const minute = 60_000;
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

for (const dialect of dialects) {
  describe(`actions: playbooks on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let organizer: Caller;
    let corey: Caller;
    let bert: Caller;
    let core: string;
    let friends: string;
    let slug: string;
    const secrets = ['STAGING-9f1c', 'STAGINGPLACE-77aa', 'TARGET-31bd', 'NOTES-c0de'];
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      [organizer, corey, bert] = [await s.person('organizer'), await s.person('corey'), await s.person('bert')];
      core = await newGroup(organizer, 'Core Crew');
      friends = await newGroup(bert, 'Berlin Friends');
      await join(corey, core);
      const action = await draftAction(organizer, core, { nodesPolicy: 'immediate', title: 'Tea on the tracks' });
      slug = action.slug;
      const london = await addNode(organizer, slug, 'London', 'Europe/London', { marshals: ['corey'], capacity: 80 });
      await publish(organizer, slug);
      const berlin = await addNode(bert, slug, 'Berlin', 'Europe/Berlin', { hostGroup: friends });
      const disclose = async (caller: Caller, body: Record<string, unknown>) =>
        assert.equal((await caller.call('POST', `${api}/actions/${slug}/disclosures`, body)).status, 201);
      await disclose(organizer, { tier: 'public', offsetMinutes: -60, text: 'PUBLICWORD-2b7e: bring tea' });
      await disclose(organizer, { tier: 'rsvp', offsetMinutes: -120, nodeId: london.id, text: secrets[0], place: { label: secrets[1], lat: 51.5, lon: -0.1 } });
      await disclose(organizer, { tier: 'present', offsetMinutes: -5, text: secrets[2] });
      await disclose(organizer, { tier: 'marshal', offsetMinutes: -1440, text: secrets[3] });
      await disclose(bert, { tier: 'public', offsetMinutes: 30, nodeId: berlin.id, text: 'LATEPUBLIC-5d5d' });
    });
    after(async () => s?.t.dispose());

    it('exports the shape with slots, and no secrets, people or ids', { skip }, async () => {
      s.t.clock.set(new Date(start - 3 * 24 * 60 * minute));
      const res = await organizer.call('GET', `${api}/actions/${slug}/playbook`);
      assert.equal(res.status, 200, res.text);
      const book = res.body;
      assert.equal(book.format, 'blossom-playbook/1');
      assert.equal(book.title, 'Tea on the tracks');
      // In start order, then by city: both start at the same instant here.
      assert.deepEqual(book.nodes, [
        { city: 'Berlin', zone: 'Europe/Berlin', capacity: null },
        { city: 'London', zone: 'Europe/London', capacity: 80 },
      ]);
      assert.deepEqual(
        book.disclosures.map((d: { tier: string; offsetMinutes: number; node: number | null; text: string; place: unknown }) => [d.tier, d.offsetMinutes, d.node, d.text, d.place]),
        [
          ['marshal', -1440, null, placeholders.marshal, null],
          ['rsvp', -120, 1, placeholders.rsvp, null],
          ['public', -60, null, placeholders.public, null], // not out yet: still a secret
          ['present', -5, null, placeholders.present, null],
          ['public', 30, 0, placeholders.public, null],
        ],
      );
      for (const forbidden of [...secrets, 'PUBLICWORD', 'LATEPUBLIC', 'organizer', 'corey', 'bert', core, friends, slug]) {
        assert.ok(!res.text.includes(forbidden), `playbook mentions ${forbidden}`);
      }
      assert.doesNotMatch(res.text, uuid, 'no ids of any kind');
    });

    it('carries public texts once they are out at every node they belong to', { skip }, async () => {
      s.t.clock.set(new Date(start - 30 * minute));
      let book = (await organizer.call('GET', `${api}/actions/${slug}/playbook`)).body;
      assert.deepEqual(book.disclosures.filter((d: { tier: string }) => d.tier === 'public').map((d: { text: string }) => d.text), ['PUBLICWORD-2b7e: bring tea', placeholders.public]);
      s.t.clock.set(new Date(start + 31 * minute));
      const res = await organizer.call('GET', `${api}/actions/${slug}/playbook`);
      book = res.body;
      assert.deepEqual(book.disclosures.filter((d: { tier: string }) => d.tier === 'public').map((d: { text: string }) => d.text), ['PUBLICWORD-2b7e: bring tea', 'LATEPUBLIC-5d5d']);
      for (const secret of secrets) assert.ok(!res.text.includes(secret));
    });

    it('is exported by the organizers only', { skip }, async () => {
      const path = `${api}/actions/${slug}/playbook`;
      const missing = await corey.call('GET', `${api}/actions/nope/playbook`);
      for (const caller of [corey, bert]) {
        const res = await caller.call('GET', path);
        assert.equal(res.status, 404);
        assert.equal(res.text, missing.text);
      }
      assert.equal((await s.anonymous().call('GET', path)).status, 401);
    });

    it('forks a playbook into a new draft for another group, hosting every node', { skip }, async () => {
      const book = (await organizer.call('GET', `${api}/actions/${slug}/playbook`)).body;
      book.disclosures[1].text = 'Our staging point: the old station';
      book.timing = { mode: 'same-local', wall: '2026-09-12T15:00' };
      const forked = await bert.call('POST', `${api}/groups/${friends}/playbooks`, book);
      assert.equal(forked.status, 201, forked.text);
      assert.equal(forked.body.status, 'draft');
      assert.deepEqual(forked.body.group, { slug: friends, name: 'Berlin Friends' });
      assert.notEqual(forked.body.slug, slug);
      assert.deepEqual(forked.body.nodes.map((n: { city: string; host: { slug: string }; startsLocal: string }) => [n.city, n.host.slug, n.startsLocal]), [
        ['Berlin', friends, '2026-09-12T15:00:00+02:00'],
        ['London', friends, '2026-09-12T15:00:00+01:00'],
      ]);
      const consoleView = (await bert.call('GET', `${api}/actions/${forked.body.slug}/disclosures`)).body.disclosures;
      const staging = consoleView.find((d: { tier: string }) => d.tier === 'rsvp');
      assert.equal(staging.text, 'Our staging point: the old station');
      assert.equal(staging.nodeId, forked.body.nodes.find((n: { city: string }) => n.city === 'London').id);
      assert.equal(consoleView.length, 5);
      assert.equal((await s.anonymous().call('GET', `${api}/actions/${forked.body.slug}`)).status, 404, 'a fork starts as a draft');
      assert.equal((await organizer.call('GET', `${api}/actions/${forked.body.slug}`)).status, 404, 'the original organizers have no say');
    });

    it('refuses a bad playbook naming the field, and forks only for groups one coordinates', { skip }, async () => {
      const book = (await organizer.call('GET', `${api}/actions/${slug}/playbook`)).body;
      const cases: [Record<string, unknown>, string, string][] = [
        [{ ...book, disclosures: [{ tier: 'rsvp', offsetMinutes: -60, node: 7, text: 'x' }] }, 'invalid_input', 'disclosures.0.node'],
        [{ ...book, nodes: [{ city: 'Nowhere', zone: 'Mars/Olympus', capacity: null }] }, 'invalid_input', 'nodes.0.zone'],
        [{ ...book, format: 'something-else' }, 'invalid_input', 'format'],
        [{ ...book, members: ['corey'] }, 'unknown_field', 'members'],
        [{ ...book, disclosures: [{ tier: 'rsvp', offsetMinutes: 20000, node: null, text: 'x' }] }, 'invalid_input', 'disclosures.0.offsetMinutes'],
      ];
      for (const [body, code, field] of cases) {
        const res = await bert.call('POST', `${api}/groups/${friends}/playbooks`, body);
        assert.equal(res.status, 422, field);
        assert.equal(res.body.code, code);
        assert.ok(res.body.fields[field], `${field} in ${JSON.stringify(res.body.fields)}`);
      }
      assert.equal((await corey.call('POST', `${api}/groups/${core}/playbooks`, book)).body.code, 'forbidden');
    });
  });
}
