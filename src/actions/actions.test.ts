import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { addNode, api, draftAction, join, newGroup, publish, sameInstant, stage, type Stage } from './organizer-fixtures.ts';

for (const dialect of dialects) {
  describe(`actions: lifecycle on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let organizer: Caller;
    let member: Caller;
    let outsider: Caller;
    let anonymous: Caller;
    let core: string;
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      [organizer, member, outsider] = [await s.person('organizer'), await s.person('member'), await s.person('outsider')];
      anonymous = s.anonymous();
      core = await newGroup(organizer, 'Core Crew');
      await join(member, core);
    });
    after(async () => s?.t.dispose());

    const missing = async (caller: Caller) => caller.call('GET', `${api}/actions/no-such-action`);

    it('drafts, hides, publishes, lists and edits an action', { skip }, async () => {
      const draft = await draftAction(organizer, core);
      assert.equal(draft.status, 'draft');
      assert.deepEqual(draft.viewer, { organizer: true, marshal: true });
      assert.match(draft.callHtml, /<strong>as you are<\/strong>/);
      assert.deepEqual(draft.group, { slug: core, name: 'Core Crew' });

      // A draft is the organizers' alone, and answers exactly like a slug that never existed.
      for (const caller of [anonymous, outsider, member]) {
        const res = await caller.call('GET', `${api}/actions/${draft.slug}`);
        assert.equal(res.status, 404);
        assert.equal(res.text, (await missing(caller)).text);
      }
      assert.equal((await organizer.call('POST', `${api}/actions/${draft.slug}/publish`)).body.code, 'no_nodes');

      const node = await addNode(organizer, draft.slug, 'London', 'europe/london', { capacity: 40 });
      assert.equal(node.zone, 'Europe/London');
      assert.equal(node.tier, 'marshal');
      const published = await publish(organizer, draft.slug);
      assert.equal(published.status, 'published');
      assert.equal((await publish(organizer, draft.slug)).status, 'published', 'publishing twice is harmless');

      const seen = await anonymous.call('GET', `${api}/actions/${draft.slug}`);
      assert.equal(seen.status, 200);
      assert.deepEqual(seen.body.viewer, { organizer: false, marshal: false });
      assert.equal(seen.body.nodes[0].tier, 'public');
      assert.equal(seen.body.nodes[0].counts, null, 'counts are for marshals');
      assert.equal(seen.body.nodes[0].marshals, null);
      assert.equal(seen.body.nodes[0].capacity, 40);
      const listed = await anonymous.call('GET', `${api}/actions`);
      assert.ok(listed.body.actions.some((a: { slug: string }) => a.slug === draft.slug));
      const summary = listed.body.actions.find((a: { slug: string }) => a.slug === draft.slug);
      assert.deepEqual(summary.cities.map((c: { city: string }) => c.city), ['London']);

      assert.equal((await outsider.call('PATCH', `${api}/actions/${draft.slug}`, { title: 'Mine now' })).body.code, 'forbidden');
      assert.equal((await member.call('PATCH', `${api}/actions/${draft.slug}`, { title: 'Mine now' })).body.code, 'forbidden');
      assert.equal((await anonymous.call('PATCH', `${api}/actions/${draft.slug}`, { title: 'Mine now' })).status, 401);
      const edited = await organizer.call('PATCH', `${api}/actions/${draft.slug}`, { title: 'Bloom on the bridge', bring: 'Umbrellas' });
      assert.equal(edited.status, 200);
      assert.deepEqual([edited.body.title, edited.body.bring], ['Bloom on the bridge', 'Umbrellas']);
      const counted = await organizer.call('GET', `${api}/actions/${draft.slug}`);
      assert.deepEqual(counted.body.nodes[0].counts, { rsvps: 0, checkins: 0 });
    });

    it('lists only open, published actions; semi-open ones are reachable by link', { skip }, async () => {
      const semi = await draftAction(organizer, core, { visibility: 'semi-open', title: 'By link only' });
      await addNode(organizer, semi.slug, 'Leeds', 'Europe/London');
      await publish(organizer, semi.slug);
      assert.equal((await anonymous.call('GET', `${api}/actions/${semi.slug}`)).status, 200);
      const listed = await anonymous.call('GET', `${api}/actions`);
      assert.ok(!listed.body.actions.some((a: { slug: string }) => a.slug === semi.slug));
      const draft = await draftAction(organizer, core, { title: 'Still a draft' });
      assert.ok(!(await anonymous.call('GET', `${api}/actions`)).body.actions.some((a: { slug: string }) => a.slug === draft.slug));
    });

    it('hides a closed action from outsiders, byte for byte like a missing one', { skip }, async () => {
      const closed = await draftAction(organizer, core, { visibility: 'closed', title: 'Members only' });
      await addNode(organizer, closed.slug, 'Bristol', 'Europe/London');
      await publish(organizer, closed.slug);
      for (const caller of [anonymous, outsider]) {
        for (const path of ['', '/calendar.ics', '/playbook', '/disclosures']) {
          const res = await caller.call('GET', `${api}/actions/${closed.slug}${path}`);
          const none = await caller.call('GET', `${api}/actions/no-such-action${path}`);
          assert.equal(res.status, none.status, path);
          assert.equal(res.text, none.text, path);
          assert.deepEqual([...res.headers.entries()], [...none.headers.entries()], path);
        }
        const patched = await caller.call('PATCH', `${api}/actions/${closed.slug}`, { title: 'x y' });
        const patchedMissing = await caller.call('PATCH', `${api}/actions/no-such-action`, { title: 'x y' });
        assert.equal(patched.text, patchedMissing.text);
      }
      assert.equal((await anonymous.call('GET', `${api}/actions`)).body.actions.some((a: { slug: string }) => a.slug === closed.slug), false);
      const shown = await member.call('GET', `${api}/actions/${closed.slug}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.title, 'Members only');
    });

    it('keeps a secret group unnamed on its open action', { skip }, async () => {
      const hidden = await newGroup(organizer, 'Quiet Ones', { visibility: 'secret', joinPolicy: 'invitation' });
      const action = await draftAction(organizer, hidden, { title: 'Loud action' });
      await addNode(organizer, action.slug, 'Paris', 'Europe/Paris');
      await publish(organizer, action.slug);
      const seen = await anonymous.call('GET', `${api}/actions/${action.slug}`);
      assert.equal(seen.body.group, null);
      assert.equal(seen.body.nodes[0].host, null);
      assert.doesNotMatch(seen.text, new RegExp(hidden));
      assert.deepEqual((await organizer.call('GET', `${api}/actions/${action.slug}`)).body.group.slug, hidden);
    });

    it('answers bad input with 422 problems that name the field, writing nothing', { skip }, async () => {
      const base = { title: 'Fine title', visibility: 'open', timing: sameInstant('2026-06-20T16:00:00Z'), durationMinutes: 60 };
      const cases: [Record<string, unknown>, string, string][] = [
        [{ ...base, title: 'x' }, 'invalid_input', 'title'],
        [{ ...base, visibility: 'secret' }, 'invalid_input', 'visibility'],
        [{ ...base, timing: { mode: 'same-instant', at: '2026-06-20T16:00' } }, 'invalid_input', 'timing.at'],
        [{ ...base, timing: { mode: 'same-local', wall: '2026-02-30T17:00' } }, 'invalid_input', 'timing.wall'],
        [{ ...base, timing: { mode: 'same-local', wall: '2026-06-20T17:00', zone: 'UTC' } }, 'unknown_field', 'timing.zone'],
        [{ ...base, durationMinutes: 0 }, 'invalid_input', 'durationMinutes'],
        [{ ...base, retentionMinutes: 10081 }, 'invalid_input', 'retentionMinutes'],
        [{ ...base, call: 'x'.repeat(20001) }, 'invalid_input', 'call'],
        [{ ...base, secretTarget: 'the bank' }, 'unknown_field', 'secretTarget'],
      ];
      const countRows = async () => Number((await s.t.fixture.store.db.selectFrom('actions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await countRows();
      for (const [body, code, field] of cases) {
        const res = await organizer.call('POST', `${api}/groups/${core}/actions`, body);
        assert.equal(res.status, 422, JSON.stringify(body).slice(0, 200));
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.equal(res.body.code, code);
        assert.ok(res.body.fields[field], `${field} in ${JSON.stringify(res.body.fields)}`);
      }
      assert.equal(await countRows(), before);
      assert.equal((await outsider.call('POST', `${api}/groups/${core}/actions`, base)).body.code, 'forbidden');
      assert.equal((await organizer.call('GET', `${api}/actions?cursor=zzz`)).status, 422);
    });

    it('pages through the listing with a cursor', { skip }, async () => {
      for (let i = 0; i < 3; i++) {
        const action = await draftAction(organizer, core, { title: `Paged ${i}` });
        await addNode(organizer, action.slug, 'York', 'Europe/London');
        await publish(organizer, action.slug);
        s.t.clock.advance(1000);
      }
      const seen: string[] = [];
      let next: string | null = null;
      do {
        const path: string = `${api}/actions${next ? `?cursor=${next}` : ''}`;
        const page = await anonymous.call('GET', path);
        seen.push(...page.body.actions.map((a: { title: string }) => a.title));
        next = page.body.next;
      } while (next);
      assert.deepEqual(seen.filter((title) => title.startsWith('Paged')), ['Paged 2', 'Paged 1', 'Paged 0']);
      assert.equal(new Set(seen).size, seen.length);
    });
  });
}
