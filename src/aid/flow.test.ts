import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { aidWorld, api, canary, expectStatus, postNeed, postOffer, withTicket, type AidWorld } from './test-fixtures.ts';

/** The whole flow through HTTP: post, match, claim, and every way a need can end. */
for (const dialect of dialects) {
  describe(`mutual aid flow on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let w: AidWorld;
    before(async () => {
      if (!skip) w = await aidWorld(dialect);
    });
    after(async () => w?.t.dispose());

    it('lets someone without an account post a need and see it, details included, by its ticket', { skip }, async () => {
      const anon = w.anonymous();
      const { need, ticket } = await postNeed(anon, w.slug);
      assert.equal(need.viewer, 'poster');
      assert.deepEqual(need.area, { lat: 51.52, lon: -0.08 });
      assert.deepEqual(need.details, { place: canary.place, contact: canary.contact, email: canary.email });
      assert.equal(need.status, 'open');
      assert.ok(ticket.length >= 40);
      const seen = await anon.call('GET', `${api}/aid/needs/${need.id}`, undefined, withTicket(ticket));
      expectStatus(seen, 200);
      assert.equal(seen.body.details.place, canary.place);
      expectStatus(await anon.call('GET', `${api}/aid/needs/${need.id}`), 404);
      expectStatus(await anon.call('GET', `${api}/aid/needs/${need.id}`, undefined, withTicket('not-the-ticket')), 404);
    });

    it('shows members the open needs with coarse areas, and nobody else', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug, { category: 'shelter', urgency: 'urgent' });
      const list = await w.member.call('GET', `${api}/groups/${w.slug}/aid/needs`);
      expectStatus(list, 200);
      const listed = list.body.needs.find((n: { id: string }) => n.id === need.id);
      assert.ok(listed);
      assert.equal(list.body.needs[0].urgency, 'urgent', 'most urgent first');
      assert.ok(!list.text.includes(canary.place) && !list.text.includes(canary.contact));
      const near = await w.member.call('GET', `${api}/groups/${w.slug}/aid/needs?lat=51.52&lon=-0.08&km=2&category=shelter`);
      assert.deepEqual(near.body.needs.map((n: { id: string }) => n.id), [need.id]);
      expectStatus(await w.outsider.call('GET', `${api}/groups/${w.slug}/aid/needs`), 403, 'forbidden');
      expectStatus(await w.anonymous().call('GET', `${api}/groups/${w.slug}/aid/needs`), 401);
    });

    it('matches a need with the nearest fitting offers, and a helper with the nearest fitting needs', { skip }, async () => {
      const near = await postOffer(w.helper, w.slug, { lat: 51.53, lon: -0.08 });
      const far = await postOffer(w.rival, w.slug, { lat: 51.56, lon: -0.08, radiusKm: 10 });
      await postOffer(w.rival, w.slug, { lat: 51.53, lon: -0.08, category: 'transport' });
      await postOffer(w.rival, w.slug, { lat: 51.6, lon: -0.08, radiusKm: 2 }); // out of its own reach
      const { need, ticket } = await postNeed(w.anonymous(), w.slug, { category: 'food', lat: 51.52, lon: -0.08 });
      const forPoster = await w.anonymous().call('GET', `${api}/aid/needs/${need.id}/offers`, undefined, withTicket(ticket));
      expectStatus(forPoster, 200);
      assert.deepEqual(forPoster.body.offers.map((o: { id: string }) => o.id), [near.id, far.id]);
      assert.equal(forPoster.body.offers[0].helper, null, 'a poster outside the network does not learn who offers');
      assert.equal(forPoster.body.offers[0].distanceKm, 1.1);
      const forCoordinator = await w.coordinator.call('GET', `${api}/aid/needs/${need.id}/offers?limit=1`);
      assert.deepEqual(forCoordinator.body.offers.map((o: { helper: { handle: string } }) => o.helper.handle), ['helper']);
      const matches = await w.helper.call('GET', `${api}/groups/${w.slug}/aid/matches`);
      expectStatus(matches, 200);
      const match = matches.body.needs.find((n: { id: string }) => n.id === need.id);
      assert.equal(match.offerId, near.id);
      assert.ok(!matches.text.includes(canary.place));
    });

    it('lets one helper claim a need; the next gets 409 already_claimed; the claimer sees the details', { skip }, async () => {
      const { need, ticket } = await postNeed(w.anonymous(), w.slug);
      const claimed = await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      expectStatus(claimed, 200);
      assert.equal(claimed.body.status, 'claimed');
      assert.equal(claimed.body.viewer, 'claimer');
      assert.deepEqual(claimed.body.details, { place: canary.place, contact: canary.contact, email: null });
      expectStatus(await w.rival.call('POST', `${api}/aid/needs/${need.id}/claim`, {}), 409, 'already_claimed');
      expectStatus(await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {}), 200);
      const poster = await w.anonymous().call('GET', `${api}/aid/needs/${need.id}`, undefined, withTicket(ticket));
      assert.equal(poster.body.status, 'claimed');
      assert.equal(poster.body.helper.handle, 'helper');
      assert.ok(poster.body.updatedAt >= need.updatedAt);
      const fulfilled = await w.anonymous().call('POST', `${api}/aid/needs/${need.id}/fulfil`, undefined, withTicket(ticket));
      expectStatus(fulfilled, 200);
      assert.equal(fulfilled.body.status, 'fulfilled');
      assert.equal((await w.helper.call('GET', `${api}/aid/needs/${need.id}`)).body.details, null, 'done: the helper no longer holds it');
      expectStatus(await w.rival.call('POST', `${api}/aid/needs/${need.id}/claim`, {}), 409, 'not_open');
    });

    it('takes claims in a race once', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug);
      const racers = await Promise.all(['r1', 'r2', 'r3', 'r4'].map(async (handle) => {
        const who = await w.person(`racer_${handle}`);
        await who.call('POST', `${api}/groups/${w.slug}/join`, {});
        return who;
      }));
      const replies = await Promise.all(racers.map((who) => who.call('POST', `${api}/aid/needs/${need.id}/claim`, {})));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409, 409, 409]);
    });

    it('releases a need back to open, and lets its poster withdraw it', { skip }, async () => {
      const { need, ticket } = await postNeed(w.anonymous(), w.slug);
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      expectStatus(await w.rival.call('POST', `${api}/aid/needs/${need.id}/release`), 403);
      const released = await w.helper.call('POST', `${api}/aid/needs/${need.id}/release`);
      expectStatus(released, 200);
      assert.equal(released.body.status, 'open');
      assert.equal(released.body.details, null);
      expectStatus(await w.helper.call('POST', `${api}/aid/needs/${need.id}/release`), 409, 'not_claimed');
      expectStatus(await w.member.call('POST', `${api}/aid/needs/${need.id}/withdraw`), 403);
      const withdrawn = await w.anonymous().call('POST', `${api}/aid/needs/${need.id}/withdraw`, undefined, withTicket(ticket));
      expectStatus(withdrawn, 200);
      assert.equal(withdrawn.body.status, 'withdrawn');
      expectStatus(await w.anonymous().call('POST', `${api}/aid/needs/${need.id}/withdraw`, undefined, withTicket(ticket)), 409, 'not_open');
    });

    it('gives coordinators a dispatch queue, assignment and removal of abuse', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug, { urgency: 'urgent', description: 'Dispatch me' });
      const queue = await w.coordinator.call('GET', `${api}/groups/${w.slug}/aid/dispatch`);
      expectStatus(queue, 200);
      const item = queue.body.needs.find((n: { id: string }) => n.id === need.id);
      assert.ok(item.nearbyOffers >= 1);
      assert.ok(!queue.text.includes(canary.place) && !queue.text.includes(canary.contact));
      expectStatus(await w.member.call('GET', `${api}/groups/${w.slug}/aid/dispatch`), 403);
      expectStatus(await w.coordinator.call('POST', `${api}/aid/needs/${need.id}/assign`, { helper: 'outsider' }), 422, 'not_a_member');
      const assigned = await w.coordinator.call('POST', `${api}/aid/needs/${need.id}/assign`, { helper: 'rival' });
      expectStatus(assigned, 200);
      assert.equal(assigned.body.helper.handle, 'rival');
      assert.equal(assigned.body.details, null, 'coordinators do not see the contact');
      const mine = await w.rival.call('GET', `${api}/me/aid`);
      assert.equal(mine.body.claims.find((n: { id: string }) => n.id === need.id).details.place, canary.place);
      expectStatus(await w.member.call('DELETE', `${api}/aid/needs/${need.id}`), 403);
      expectStatus(await w.coordinator.call('DELETE', `${api}/aid/needs/${need.id}`), 204);
      expectStatus(await w.rival.call('GET', `${api}/aid/needs/${need.id}`), 404);
      const counts = await w.coordinator.call('GET', `${api}/groups/${w.slug}/aid/counts`);
      assert.ok(counts.body.counts.some((c: { outcome: string; count: number }) => c.outcome === 'removed' && c.count === 1));
    });

    it('manages offers: members post them, their helper or a coordinator takes them down', { skip }, async () => {
      expectStatus(await w.outsider.call('POST', `${api}/groups/${w.slug}/aid/offers`, { category: 'food', description: 'x', lat: 1, lon: 1 }), 403);
      const offer = await postOffer(w.member, w.slug, { category: 'legal', description: 'Tenancy advice' });
      const list = await w.helper.call('GET', `${api}/groups/${w.slug}/aid/offers?category=legal`);
      assert.deepEqual(list.body.offers.map((o: { id: string; helper: { handle: string } }) => [o.id, o.helper.handle]), [[offer.id, 'member']]);
      expectStatus(await w.helper.call('DELETE', `${api}/aid/offers/${offer.id}`), 403);
      expectStatus(await w.outsider.call('DELETE', `${api}/aid/offers/${offer.id}`), 404);
      expectStatus(await w.member.call('DELETE', `${api}/aid/offers/${offer.id}`), 204);
      expectStatus(await w.member.call('DELETE', `${api}/aid/offers/${offer.id}`), 404);
    });

    it('lets coordinators extend the categories', { skip }, async () => {
      expectStatus(await w.anonymous().call('POST', `${api}/groups/${w.slug}/aid/needs`, { category: 'pets', description: 'Cat food', lat: 51.5, lon: 0 }), 422, 'unknown_category');
      expectStatus(await w.member.call('PATCH', `${api}/groups/${w.slug}/aid`, { categories: ['food', 'pets'] }), 403);
      const changed = await w.coordinator.call('PATCH', `${api}/groups/${w.slug}/aid`, { categories: ['food', 'shelter', 'pets'] });
      expectStatus(changed, 200);
      assert.deepEqual(changed.body.categories, ['food', 'shelter', 'pets']);
      const network = await w.anonymous().call('GET', `${api}/groups/${w.slug}/aid`);
      assert.deepEqual(network.body.viewer, { role: null, canPost: true, canHelp: false });
      await postNeed(w.anonymous(), w.slug, { category: 'pets' });
    });

    it('refuses bad input with problem+json naming the fields', { skip }, async () => {
      const post = (body: Record<string, unknown>) => w.anonymous().call('POST', `${api}/groups/${w.slug}/aid/needs`, { category: 'food', description: 'x', lat: 51.5, lon: 0, ...body });
      const far = await post({ lat: 91, lon: -181 });
      expectStatus(far, 422, 'invalid_input');
      assert.equal(far.headers.get('content-type'), 'application/problem+json');
      assert.deepEqual(Object.keys(far.body.fields).sort(), ['lat', 'lon']);
      const unknown = await post({ category: 'weapons' });
      expectStatus(unknown, 422, 'unknown_category');
      assert.match(unknown.body.fields.category, /food, shelter/);
      expectStatus(await post({ secret: 1 }), 422, 'unknown_field');
      expectStatus(await post({ description: 'x'.repeat(501) }), 422, 'invalid_input');
      expectStatus(await post({ urgency: 'whenever' }), 422, 'invalid_input');
      const backwards = await post({ from: '2026-06-03T00:00:00Z', until: '2026-06-02T00:00:00Z' });
      expectStatus(backwards, 422, 'invalid_window');
      assert.ok(backwards.body.fields.until);
      expectStatus(await post({ until: '2026-05-01T00:00:00Z' }), 422, 'invalid_window');
      expectStatus(await post({ email: 'not an email' }), 422, 'invalid_input');
      expectStatus(await w.anonymous().call('POST', `${api}/groups/no-such-network/aid/needs`, { category: 'food', description: 'x', lat: 1, lon: 1 }), 404);
      const { need } = await postNeed(w.anonymous(), w.slug);
      expectStatus(await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, { offerId: 'not-mine' }), 422, 'unknown_offer');
    });

    it('keeps a secret network hidden from outsiders, even for posting', { skip }, async () => {
      const made = await w.coordinator.call('POST', `${api}/groups`, { name: 'Quiet Aid', kind: 'network', visibility: 'secret', joinPolicy: 'invitation' });
      const missing = await w.anonymous().call('POST', `${api}/groups/no-such-group/aid/needs`, { category: 'food', description: 'x', lat: 1, lon: 1 });
      const hidden = await w.anonymous().call('POST', `${api}/groups/${made.body.slug}/aid/needs`, { category: 'food', description: 'x', lat: 1, lon: 1 });
      expectStatus(hidden, 404);
      assert.equal(hidden.text, missing.text);
      await postNeed(w.coordinator, made.body.slug);
    });
  });
}
