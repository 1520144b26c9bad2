import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { addNode, api, draftAction, newGroup, publish, sameInstant, sameLocal, stage, type Stage } from './organizer-fixtures.ts';
import type { NodeView } from './views.ts';

const byCity = (nodes: NodeView[]) => Object.fromEntries(nodes.map((n) => [n.city, [n.startsAt, n.startsLocal]]));

for (const dialect of dialects) {
  describe(`actions: nodes and their times on ${dialect}`, async () => {
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

    async function threeCities(timing: Record<string, string>): Promise<string> {
      const action = await draftAction(organizer, core, { timing });
      for (const [city, zone] of [['London', 'Europe/London'], ['New York', 'America/New_York'], ['Tokyo', 'Asia/Tokyo']] as const) {
        await addNode(organizer, action.slug, city, zone);
      }
      return action.slug;
    }
    const nodesOf = async (slug: string): Promise<NodeView[]> => (await organizer.call('GET', `${api}/actions/${slug}`)).body.nodes;

    it('starts every node at one instant in same-instant mode', { skip }, async () => {
      const slug = await threeCities(sameInstant('2026-06-20T18:00:00+02:00'));
      assert.deepEqual(byCity(await nodesOf(slug)), {
        London: ['2026-06-20T16:00:00.000Z', '2026-06-20T17:00:00+01:00'],
        'New York': ['2026-06-20T16:00:00.000Z', '2026-06-20T12:00:00-04:00'],
        Tokyo: ['2026-06-20T16:00:00.000Z', '2026-06-21T01:00:00+09:00'],
      });
      const london = (await nodesOf(slug)).find((n) => n.city === 'London')!;
      assert.deepEqual([london.endsAt, london.endsLocal], ['2026-06-20T17:30:00.000Z', '2026-06-20T18:30:00+01:00']);
    });

    it('starts each node at the same wall time in its own zone, across a DST change, and re-resolves on edits', { skip }, async () => {
      // 15 March 2026: New York is already on summer time (since 8 March), London not yet (29 March).
      const slug = await threeCities(sameLocal('2026-03-15T17:00'));
      assert.deepEqual(byCity(await nodesOf(slug)), {
        London: ['2026-03-15T17:00:00.000Z', '2026-03-15T17:00:00+00:00'],
        'New York': ['2026-03-15T21:00:00.000Z', '2026-03-15T17:00:00-04:00'],
        Tokyo: ['2026-03-15T08:00:00.000Z', '2026-03-15T17:00:00+09:00'],
      });
      // Moved past London's change: its node moves an hour earlier in UTC, the others do not.
      await organizer.call('PATCH', `${api}/actions/${slug}`, { timing: sameLocal('2026-04-05T17:00') });
      assert.deepEqual(byCity(await nodesOf(slug)), {
        London: ['2026-04-05T16:00:00.000Z', '2026-04-05T17:00:00+01:00'],
        'New York': ['2026-04-05T21:00:00.000Z', '2026-04-05T17:00:00-04:00'],
        Tokyo: ['2026-04-05T08:00:00.000Z', '2026-04-05T17:00:00+09:00'],
      });
      await organizer.call('PATCH', `${api}/actions/${slug}`, { timing: sameInstant('2026-03-28T12:00:00Z'), durationMinutes: 120 });
      const nodes = await nodesOf(slug);
      assert.deepEqual(byCity(nodes), {
        London: ['2026-03-28T12:00:00.000Z', '2026-03-28T12:00:00+00:00'],
        'New York': ['2026-03-28T12:00:00.000Z', '2026-03-28T08:00:00-04:00'],
        Tokyo: ['2026-03-28T12:00:00.000Z', '2026-03-28T21:00:00+09:00'],
      });
      assert.ok(nodes.every((n) => n.endsAt === '2026-03-28T14:00:00.000Z'));
    });

    it('resolves wall times in a DST gap forward and in an overlap to the earlier one', { skip }, async () => {
      const gap = await draftAction(organizer, core, { timing: sameLocal('2026-03-08T02:30') });
      const ny = await addNode(organizer, gap.slug, 'New York', 'America/New_York');
      assert.deepEqual([ny.startsAt, ny.startsLocal], ['2026-03-08T07:30:00.000Z', '2026-03-08T03:30:00-04:00']);
      const overlap = await draftAction(organizer, core, { timing: sameLocal('2026-11-01T01:30') });
      const again = await addNode(organizer, overlap.slug, 'New York', 'America/New_York');
      assert.deepEqual([again.startsAt, again.startsLocal], ['2026-11-01T05:30:00.000Z', '2026-11-01T01:30:00-04:00']);
    });

    it('moves a node when its zone changes', { skip }, async () => {
      const action = await draftAction(organizer, core, { timing: sameLocal('2026-06-20T17:00') });
      const node = await addNode(organizer, action.slug, 'London', 'Europe/London');
      const moved = await organizer.call('PATCH', `${api}/actions/${action.slug}/nodes/${node.id}`, { city: 'Berlin', zone: 'Europe/Berlin' });
      assert.equal(moved.status, 200, moved.text);
      assert.deepEqual([moved.body.city, moved.body.startsAt], ['Berlin', '2026-06-20T15:00:00.000Z']);
    });

    it('refuses unknown zones and bad node fields, naming the field', { skip }, async () => {
      const action = await draftAction(organizer, core);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ city: 'Atlantis', zone: 'Atlantic/Atlantis' }, 'invalid_input', 'zone'],
        [{ city: 'Offset', zone: '+05:30' }, 'invalid_input', 'zone'],
        [{ city: '', zone: 'Europe/London' }, 'invalid_input', 'city'],
        [{ city: 'Crowd', zone: 'Europe/London', capacity: 0 }, 'invalid_input', 'capacity'],
        [{ city: 'Crowd', zone: 'Europe/London', marshals: ['nobody_here'] }, 'invalid_input', 'marshals'],
        [{ city: 'Crowd', zone: 'Europe/London', target: 'bank' }, 'unknown_field', 'target'],
      ];
      for (const [body, code, field] of cases) {
        const res = await organizer.call('POST', `${api}/actions/${action.slug}/nodes`, body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.equal(res.body.code, code);
        assert.ok(res.body.fields[field], `${field} in ${JSON.stringify(res.body.fields)}`);
      }
      assert.deepEqual((await nodesOf(action.slug)), []);
    });

    it('shows marshals the rotating code, and nobody else', { skip }, async () => {
      const action = await draftAction(organizer, core);
      const node = await addNode(organizer, action.slug, 'London', 'Europe/London');
      await publish(organizer, action.slug);
      const path = `${api}/actions/${action.slug}/nodes/${node.id}/code`;
      const first = await organizer.call('GET', path);
      assert.equal(first.status, 200);
      assert.match(first.body.code, /^[2-9A-Z]{6}$/);
      assert.equal(first.body.display, `${first.body.code.slice(0, 3)} ${first.body.code.slice(3)}`);
      assert.ok(first.body.secondsLeft > 0 && first.body.secondsLeft <= 60);
      s.t.clock.advance(60_000);
      assert.notEqual((await organizer.call('GET', path)).body.code, first.body.code);
      const stranger = await s.person('stranger');
      const hidden = await stranger.call('GET', path);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.text, (await stranger.call('GET', `${api}/actions/${action.slug}/nodes/nope/code`)).text);
      assert.equal((await s.anonymous().call('GET', path)).status, 401);
    });
  });
}
