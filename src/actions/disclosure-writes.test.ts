import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { onDisclosuresChanged } from './disclosures.ts';
import { addNode, api, draftAction, join, newGroup, publish, stage, type Stage } from './organizer-fixtures.ts';
import { plaintextSightings } from './plaintext-scan.ts';
import type { NodeView } from './views.ts';

for (const dialect of dialects) {
  describe(`actions: writing disclosures on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let organizer: Caller;
    let host: Caller;
    let corey: Caller;
    let slug: string;
    let london: NodeView;
    let lyon: NodeView;
    const changed: string[] = [];
    let stopListening = () => {};
    const count = async () => Number((await s.t.fixture.store.db.selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      [organizer, host, corey] = [await s.person('organizer'), await s.person('lyon'), await s.person('corey')];
      const core = await newGroup(organizer, 'Core Crew');
      const local = await newGroup(host, 'Lyon Local');
      await join(corey, core);
      const action = await draftAction(organizer, core, { nodesPolicy: 'immediate' });
      slug = action.slug;
      london = await addNode(organizer, slug, 'London', 'Europe/London', { marshals: ['corey'] });
      await publish(organizer, slug);
      lyon = await addNode(host, slug, 'Lyon', 'Europe/Paris', { hostGroup: local });
      stopListening = onDisclosuresChanged((_ctx, actionId) => void changed.push(actionId));
    });
    after(async () => {
      stopListening();
      await s?.t.dispose();
    });

    it('creates, edits and deletes a disclosure, telling the release timers each time', { skip }, async () => {
      const actionId = (await s.t.fixture.store.db.selectFrom('actions').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
      changed.length = 0;
      const created = await organizer.call('POST', `${api}/actions/${slug}/disclosures`, {
        tier: 'rsvp', offsetMinutes: -120, text: 'Meet by the FIRSTCANARY fountain', place: { label: 'FIRSTPLACE', lat: 51.5, lon: -0.12 },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.nodeId, null);
      assert.deepEqual(created.body.releases.map((r: { city: string }) => r.city).sort(), ['London', 'Lyon']);
      const path = `${api}/actions/${slug}/disclosures/${created.body.id}`;
      const edited = await organizer.call('PATCH', path, { text: 'Meet by the SECONDCANARY steps', offsetMinutes: -90 });
      assert.equal(edited.status, 200);
      assert.deepEqual([edited.body.text, edited.body.offsetMinutes, edited.body.place.label], ['Meet by the SECONDCANARY steps', -90, 'FIRSTPLACE']);
      const unplaced = await organizer.call('PATCH', path, { place: null, nodeId: london.id });
      assert.deepEqual([unplaced.body.place, unplaced.body.nodeId, unplaced.body.releases.length], [null, london.id, 1]);
      assert.deepEqual(await plaintextSightings(s.t.fixture, ['FIRSTCANARY', 'SECONDCANARY', 'FIRSTPLACE']), []);
      assert.equal((await organizer.call('DELETE', path)).status, 204);
      assert.equal((await organizer.call('DELETE', path)).status, 404);
      assert.deepEqual(changed, [actionId, actionId, actionId, actionId]);
      // Node and timing changes move release instants too.
      await organizer.call('PATCH', `${api}/actions/${slug}`, { timing: { mode: 'same-instant', at: '2026-06-21T16:00:00Z' } });
      await organizer.call('PATCH', `${api}/actions/${slug}/nodes/${london.id}`, { zone: 'Europe/Dublin' });
      assert.equal(changed.length, 6);
    });

    it('lets host coordinators write for their own node only, and appointed marshals not at all', { skip }, async () => {
      const mine = await host.call('POST', `${api}/actions/${slug}/disclosures`, { tier: 'rsvp', offsetMinutes: -60, nodeId: lyon.id, text: 'Place Bellecour' });
      assert.equal(mine.status, 201, mine.text);
      const everywhere = await host.call('POST', `${api}/actions/${slug}/disclosures`, { tier: 'rsvp', offsetMinutes: -60, text: 'All of you' });
      assert.equal(everywhere.body.code, 'forbidden');
      const theirs = await host.call('POST', `${api}/actions/${slug}/disclosures`, { tier: 'rsvp', offsetMinutes: -60, nodeId: london.id, text: 'x' });
      assert.equal(theirs.body.code, 'forbidden');
      assert.equal((await corey.call('POST', `${api}/actions/${slug}/disclosures`, { tier: 'rsvp', offsetMinutes: -60, nodeId: london.id, text: 'x' })).body.code, 'forbidden');
      const byOrganizer = await organizer.call('POST', `${api}/actions/${slug}/disclosures`, { tier: 'present', offsetMinutes: -5, nodeId: london.id, text: 'London target' });
      // The host cannot reach London's disclosure at all: for them it does not exist.
      const probe = await host.call('PATCH', `${api}/actions/${slug}/disclosures/${byOrganizer.body.id}`, { text: 'mine' });
      assert.equal(probe.status, 404);
      assert.equal(probe.text, (await host.call('PATCH', `${api}/actions/${slug}/disclosures/nope`, { text: 'mine' })).text);
      assert.equal((await host.call('PATCH', `${api}/actions/${slug}/disclosures/${mine.body.id}`, { nodeId: london.id })).body.code, 'forbidden');
      assert.equal((await organizer.call('PATCH', `${api}/actions/${slug}/disclosures/${mine.body.id}`, { text: 'Place des Terreaux' })).status, 200);
      const hostConsole = await host.call('GET', `${api}/actions/${slug}/disclosures`);
      assert.deepEqual(hostConsole.body.disclosures.map((d: { text: string }) => d.text), ['Place des Terreaux']);
    });

    it('refuses bad disclosures with 422 naming the field, writing nothing', { skip }, async () => {
      const other = await draftAction(organizer, (await organizer.call('GET', `${api}/me/groups`)).body.groups[0].slug);
      const foreignNode = await addNode(organizer, other.slug, 'Oslo', 'Europe/Oslo');
      const base = { tier: 'present', offsetMinutes: -5, text: 'The bank on the corner' };
      const cases: [Record<string, unknown>, string, string][] = [
        [{ ...base, offsetMinutes: 10081 }, 'invalid_input', 'offsetMinutes'],
        [{ ...base, offsetMinutes: -10081 }, 'invalid_input', 'offsetMinutes'],
        [{ ...base, offsetMinutes: 1.5 }, 'invalid_input', 'offsetMinutes'],
        [{ ...base, text: 'x'.repeat(2001) }, 'invalid_input', 'text'],
        [{ ...base, text: '   ' }, 'invalid_input', 'text'],
        [{ ...base, tier: 'vip' }, 'invalid_input', 'tier'],
        [{ ...base, nodeId: foreignNode.id }, 'invalid_input', 'nodeId'],
        [{ ...base, place: { label: 'Here', lat: 91, lon: 0 } }, 'invalid_input', 'place.lat'],
        [{ ...base, place: { label: 'x'.repeat(201), lat: 0, lon: 0 } }, 'invalid_input', 'place.label'],
        [{ ...base, place: { label: 'Here', lat: 0, lon: 0, floor: 2 } }, 'unknown_field', 'place.floor'],
        [{ ...base, releaseAt: '2026-06-20T16:00:00Z' }, 'unknown_field', 'releaseAt'],
      ];
      const before = await count();
      for (const [body, code, field] of cases) {
        const res = await organizer.call('POST', `${api}/actions/${slug}/disclosures`, body);
        assert.equal(res.status, 422, JSON.stringify(body).slice(0, 120));
        assert.equal(res.body.code, code);
        assert.ok(res.body.fields[field], `${field} in ${JSON.stringify(res.body.fields)}`);
        assert.doesNotMatch(res.text, /bank on the corner/, 'a refused secret is not echoed back');
      }
      assert.equal(await count(), before);
    });
  });
}
