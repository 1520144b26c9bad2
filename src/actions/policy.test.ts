import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/clock.ts';
import type { Actor, Ctx } from '../core/context.ts';
import { Problem } from '../core/errors.ts';
import { verifyCode, codeAt } from '../core/rotating-code.ts';
import { createGroup } from '../groups/service.ts';
import { addToGroup, insertPerson, openGroup } from '../groups/test-fixtures.ts';
import { testConfig } from '../../test/support/app.ts';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { createAction, publishAction } from './actions.ts';
import { createDisclosure } from './disclosures.ts';
import { releaseInstants, visibleDisclosures } from './disclosure-policy.ts';
import { actionKey, nodeSecret } from './keys.ts';
import { addNode } from './nodes.ts';
import { tierOf } from './policy.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';
import { rsvp } from './organizer-fixtures.ts';

for (const dialect of dialects) {
  describe(`actions policy on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let fixture: TestStore;
    const clock = new ManualClock('2026-06-01T12:00:00Z');
    const config = testConfig();
    const ctx = (actor: Actor | null = null): Ctx => ({ db: fixture.store.db, clock, config, actor });
    let people: Record<string, Actor>;
    let action: ActionRow;
    let london: ActionNodeRow;
    let lyon: ActionNodeRow;
    before(async () => {
      if (skip) return;
      fixture = await freshStore(dialect);
      people = {};
      for (const handle of ['organizer', 'host', 'appointed', 'member', 'rosa', 'stranger']) people[handle] = await insertPerson(fixture.store.db, handle);
      await createGroup(ctx(people.organizer!), openGroup('Core'));
      await createGroup(ctx(people.host!), openGroup('Lyon Local'));
      await addToGroup(fixture.store.db, 'core', people.appointed!);
      await addToGroup(fixture.store.db, 'core', people.member!);
      const view = await createAction(ctx(people.organizer!), 'core', {
        title: 'Policy walk', visibility: 'open', timing: { mode: 'same-instant', at: '2026-06-20T16:00:00Z' }, durationMinutes: 60, nodesPolicy: 'immediate',
      });
      const londonView = await addNode(ctx(people.organizer!), view.slug, { city: 'London', zone: 'Europe/London', marshals: ['appointed'] });
      await publishAction(ctx(people.organizer!), view.slug);
      const lyonView = await addNode(ctx(people.host!), view.slug, { city: 'Lyon', zone: 'Europe/Paris', hostGroup: 'lyon-local' });
      action = await fixture.store.db.selectFrom('actions').selectAll().where('slug', '=', view.slug).executeTakeFirstOrThrow();
      london = await fixture.store.db.selectFrom('action_nodes').selectAll().where('id', '=', londonView.id).executeTakeFirstOrThrow();
      lyon = await fixture.store.db.selectFrom('action_nodes').selectAll().where('id', '=', lyonView.id).executeTakeFirstOrThrow();
    });
    after(async () => fixture?.dispose());

    it('finds each tier: marshals three ways, RSVPs by ticket or account, checked in, or nobody', { skip }, async () => {
      const t = { fixture, clock };
      const ticket = await rsvp(t, action.slug, london.id);
      const present = await rsvp(t, action.slug, london.id, { checkedIn: true });
      await rsvp(t, action.slug, lyon.id, { userId: people.rosa!.userId });
      const cases: [string, Actor | null, string | null, ActionNodeRow, string][] = [
        ['owner coordinator', people.organizer!, null, lyon, 'marshal'],
        ['host coordinator at home', people.host!, null, lyon, 'marshal'],
        ['host coordinator elsewhere', people.host!, null, london, 'public'],
        ['appointed marshal', people.appointed!, null, london, 'marshal'],
        ['appointed marshal elsewhere', people.appointed!, null, lyon, 'public'],
        ['member of the owning group', people.member!, null, london, 'public'],
        ['ticket', null, ticket, london, 'rsvp'],
        ['ticket, other node', null, ticket, lyon, 'public'],
        ['checked in', null, present, london, 'present'],
        ['account', people.rosa!, null, lyon, 'rsvp'],
        ['account and a checked-in ticket', people.rosa!, present, london, 'present'],
        ['stranger', people.stranger!, null, london, 'public'],
        ['nobody', null, null, london, 'public'],
        ['forged ticket', null, 'x'.repeat(43), london, 'public'],
      ];
      for (const [name, actor, ticketOf, node, tier] of cases) {
        assert.equal(await tierOf(ctx(actor), action, node, ticketOf), tier, name);
      }
    });

    it('seals node secrets so the rotating code can be checked, and forgets everything once erased', { skip }, async () => {
      const secret = nodeSecret(ctx(), action, london);
      assert.ok(verifyCode(secret, codeAt(secret, clock.now()), clock.now()));
      assert.notEqual(london.code_secret, secret, 'the secret is stored sealed');
      await createDisclosure(ctx(people.organizer!), action.slug, { tier: 'public', offsetMinutes: -60, text: 'Out already' });
      await createDisclosure(ctx(people.host!), action.slug, { tier: 'present', offsetMinutes: -5, nodeId: lyon.id, text: 'Lyon target' });
      await createDisclosure(ctx(people.organizer!), action.slug, { tier: 'marshal', offsetMinutes: -600, text: 'Marshals always see this' });
      assert.deepEqual(await releaseInstants(ctx(), action), [
        ...[london.id, lyon.id].sort().map((nodeId) => ({ nodeId, releaseAt: '2026-06-20T15:00:00.000Z' })),
        { nodeId: lyon.id, releaseAt: '2026-06-20T15:55:00.000Z' },
      ]);
      clock.set('2026-06-21T00:00:00Z');
      assert.equal((await visibleDisclosures(ctx(), action, london, 'public', clock.now())).length, 1);
      // Tiers never get a marshal's view of what is still to come, however they ask.
      assert.equal((await visibleDisclosures(ctx(), action, london, 'present', new Date('2026-06-01'), { includeUnreleased: true })).length, 0);

      const erased: ActionRow = { ...action, status: 'erased', wrapped_key: null };
      assert.throws(() => actionKey(ctx(), erased), (err) => err instanceof Problem && err.status === 404);
      assert.throws(() => nodeSecret(ctx(), erased, london), (err) => err instanceof Problem && err.status === 404);
      assert.deepEqual(await visibleDisclosures(ctx(), erased, london, 'marshal', clock.now(), { includeUnreleased: true }), []);
    });
  });
}
