import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, Caller, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';

const api = '/api/v1';
const hour = 60 * 60 * 1000;

for (const dialect of dialects) {
  describe(`groups HTTP API on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let network = 0;
    // Each caller comes from its own /24, so the sign-up rate limit never joins in.
    const caller = () => new Caller(t.app, `203.0.${++network}.9`);
    const person = (handle: string) => caller().signUp(handle);
    let coord: Caller;
    let member: Caller;
    let outsider: Caller;
    let anonymous: Caller;
    before(async () => {
      if (skip) return;
      t = await testApp(dialect, { BLOSSOM_TRUST_PROXY: 'true' });
      [coord, member, outsider] = [await person('coord'), await person('member'), await person('outsider')];
      anonymous = caller();
    });
    after(async () => t?.dispose());

    it('creates, shows, edits and deletes a group', { skip }, async () => {
      const created = await coord.call('POST', `${api}/groups`, {
        name: 'Tenants Union', kind: 'network', visibility: 'public', joinPolicy: 'open',
        description: 'Meet us <script>alert(1)</script> [here](javascript:alert(1))', lat: 50.850346, lon: 4.351721,
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.slug, 'tenants-union');
      assert.deepEqual([created.body.lat, created.body.lon], [50.85, 4.35]);
      assert.deepEqual(created.body.viewer, { role: 'coordinator', requested: false });
      assert.doesNotMatch(created.body.descriptionHtml, /<script|href="javascript:/);

      const shown = await anonymous.call('GET', `${api}/groups/tenants-union`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.name, 'Tenants Union');
      assert.deepEqual(shown.body.viewer, { role: null, requested: false });

      const edited = await coord.call('PATCH', `${api}/groups/tenants-union`, { city: 'Brussels', meetingRhythm: 'Tuesdays' });
      assert.equal(edited.status, 200);
      assert.deepEqual([edited.body.city, edited.body.meetingRhythm], ['Brussels', 'Tuesdays']);
      assert.equal((await outsider.call('PATCH', `${api}/groups/tenants-union`, { city: 'Nowhere' })).body.code, 'forbidden');
      assert.equal((await anonymous.call('PATCH', `${api}/groups/tenants-union`, { city: 'Nowhere' })).status, 401);

      assert.equal((await coord.call('DELETE', `${api}/groups/tenants-union`)).status, 204);
      assert.equal((await anonymous.call('GET', `${api}/groups/tenants-union`)).status, 404);
    });

    it('answers bad input with 422 problems that name the field', { skip }, async () => {
      const base = { name: 'Fine Name', kind: 'affinity', visibility: 'public', joinPolicy: 'open' };
      const cases: [Record<string, unknown>, string, string][] = [
        [{ ...base, name: 'x' }, 'invalid_input', 'name'],
        [{ ...base, lat: 91, lon: 0 }, 'invalid_input', 'lat'],
        [{ ...base, lat: 0, lon: 181 }, 'invalid_input', 'lon'],
        [{ ...base, lat: 0 }, 'invalid_input', 'lon'],
        [{ ...base, kind: 'cell' }, 'invalid_input', 'kind'],
        [{ ...base, secret: 1 }, 'unknown_field', 'secret'],
        [{ name: 'No Kind' }, 'invalid_input', 'kind'],
      ];
      for (const [body, code, field] of cases) {
        const res = await coord.call('POST', `${api}/groups`, body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.equal(res.body.code, code);
        assert.ok(res.body.fields[field], `${field} in ${JSON.stringify(res.body.fields)}`);
      }
      assert.equal((await coord.call('GET', `${api}/groups?kind=cell`)).status, 422);
      assert.equal((await coord.call('GET', `${api}/groups?cursor=zzz`)).body.fields.cursor !== undefined, true);
      const mine = await coord.call('GET', `${api}/me/groups`);
      assert.ok(!mine.body.groups.some((g: { name: string }) => g.name === 'Fine Name'), 'nothing was written');
    });

    it('lists public groups with cursor paging and search, never unlisted or secret ones', { skip }, async () => {
      for (let i = 0; i < 22; i++) {
        await coord.call('POST', `${api}/groups`, { name: `Reading Circle ${i}`, kind: 'affinity', visibility: 'public', joinPolicy: 'open', city: i === 7 ? 'Tromsø' : '' });
        t.clock.advance(1000);
      }
      for (const visibility of ['unlisted', 'secret']) {
        await coord.call('POST', `${api}/groups`, { name: `Reading Circle ${visibility}`, kind: 'affinity', visibility, joinPolicy: 'open' });
      }
      const first = await anonymous.call('GET', `${api}/groups?q=reading`);
      assert.equal(first.body.groups.length, 20);
      assert.equal(first.body.groups[0].name, 'Reading Circle 21');
      const second = await anonymous.call('GET', `${api}/groups?q=reading&cursor=${encodeURIComponent(first.body.next)}`);
      assert.deepEqual(second.body.groups.map((g: { name: string }) => g.name), ['Reading Circle 1', 'Reading Circle 0']);
      assert.equal(second.body.next, null);
      assert.deepEqual((await anonymous.call('GET', `${api}/groups?q=TROMSØ`)).body.groups.length, dialect === 'postgres' ? 1 : 0,
        'SQLite lower() folds ASCII only; the search is still case-insensitive for ASCII on both');
      assert.equal((await anonymous.call('GET', `${api}/groups?q=troms`)).body.groups[0].name, 'Reading Circle 7');
      assert.equal((await anonymous.call('GET', `${api}/groups/reading-circle-unlisted`)).status, 200, 'unlisted: visible by link');
      const everything = await anonymous.call('GET', `${api}/groups?q=unlisted`);
      assert.deepEqual(everything.body.groups, []);
    });

    it('hides a secret group and everything in it, byte for byte like a missing one', { skip }, async () => {
      const made = await coord.call('POST', `${api}/groups`, { name: 'Safe House', kind: 'affinity', visibility: 'secret', joinPolicy: 'request', memberList: 'public' });
      const slug: string = made.body.slug;
      const routes: [string, string, unknown?][] = [
        ['GET', ''], ['PATCH', '', { name: 'Found' }], ['DELETE', ''], ['GET', '/members'], ['POST', '/join', {}], ['POST', '/leave'],
        ['PATCH', '/members/coord', { role: 'member' }], ['DELETE', '/members/coord'], ['GET', '/requests'], ['DELETE', '/requests/mine'],
        ['POST', '/requests/0190a3c1-0000-7000-8000-000000000000/approve'], ['POST', '/requests/0190a3c1-0000-7000-8000-000000000000/decline'],
        ['GET', '/invitations'], ['POST', '/invitations', {}], ['DELETE', '/invitations/0190a3c1-0000-7000-8000-000000000000'],
      ];
      for (const who of [outsider, anonymous]) {
        for (const [method, path, body] of routes) {
          const hidden = await who.call(method, `${api}/groups/${slug}${path}`, body);
          const missing = await who.call(method, `${api}/groups/no-such-group${path}`, body);
          const label = `${method} ${path} as ${who.handle ?? 'anonymous'}`;
          // Anonymous callers are stopped at the gate of user-only routes, group or no group.
          if (who === outsider) assert.equal(hidden.status, 404, label);
          assert.equal(hidden.status, missing.status, label);
          assert.equal(hidden.text, missing.text, label);
          assert.equal(hidden.headers.get('content-type'), missing.headers.get('content-type'), label);
        }
      }
      assert.equal((await coord.call('GET', `${api}/groups/${slug}`)).status, 200);
      const listed = await anonymous.call('GET', `${api}/groups?q=safe`);
      assert.deepEqual(listed.body.groups, []);
    });

    it('joins open, request and invitation groups with the right answers', { skip }, async () => {
      const make = async (name: string, joinPolicy: string) =>
        (await coord.call('POST', `${api}/groups`, { name, kind: 'working', visibility: 'unlisted', joinPolicy, memberList: 'members' })).body.slug as string;
      const open = await make('Open Kitchen', 'open');
      const ask = await make('Ask Kitchen', 'request');
      const closed = await make('Closed Kitchen', 'invitation');

      const joined = await member.call('POST', `${api}/groups/${open}/join`, {});
      assert.deepEqual([joined.status, joined.body], [200, { status: 'member' }]);
      assert.equal((await member.call('POST', `${api}/groups/${open}/join`, {})).body.code, 'already_member');
      assert.equal((await anonymous.call('GET', `${api}/groups/${open}/members`)).status, 404);
      assert.deepEqual((await member.call('GET', `${api}/groups/${open}/members`)).body.members.map((m: { handle: string; role: string }) => `${m.handle}:${m.role}`), ['coord:coordinator', 'member:member']);

      const asked = await member.call('POST', `${api}/groups/${ask}/join`, { message: 'hi' });
      assert.deepEqual([asked.status, asked.body], [202, { status: 'requested' }]);
      assert.equal((await member.call('GET', `${api}/groups/${ask}`)).body.viewer.requested, true);
      assert.equal((await member.call('GET', `${api}/groups/${ask}/requests`)).status, 403);
      const requests = await coord.call('GET', `${api}/groups/${ask}/requests`);
      assert.deepEqual(requests.body.requests.map((r: { handle: string; message: string }) => [r.handle, r.message]), [['member', 'hi']]);
      assert.equal((await coord.call('POST', `${api}/groups/${ask}/requests/${requests.body.requests[0].id}/approve`)).status, 204);
      assert.equal((await member.call('GET', `${api}/groups/${ask}`)).body.viewer.role, 'member');

      const refused = await member.call('POST', `${api}/groups/${closed}/join`, {});
      assert.deepEqual([refused.status, refused.body.code], [403, 'invitation_required']);
      assert.equal((await outsider.call('POST', `${api}/groups/${ask}/join`, {})).status, 202);
      assert.equal((await outsider.call('DELETE', `${api}/groups/${ask}/requests/mine`)).status, 204);
      assert.equal((await outsider.call('POST', `${api}/groups/${ask}/join`, { message: 'again' })).status, 202);
      const again = await coord.call('GET', `${api}/groups/${ask}/requests`);
      assert.equal((await coord.call('POST', `${api}/groups/${ask}/requests/${again.body.requests[0].id}/decline`)).status, 204);
      assert.equal((await outsider.call('GET', `${api}/groups/${ask}`)).body.viewer.requested, false);

      const leftLast = await coord.call('POST', `${api}/groups/${open}/leave`);
      assert.deepEqual([leftLast.status, leftLast.body.code], [409, 'last_coordinator']);
      assert.equal((await coord.call('PATCH', `${api}/groups/${open}/members/coord`, { role: 'member' })).status, 409);
      assert.equal((await coord.call('PATCH', `${api}/groups/${open}/members/member`, { role: 'coordinator' })).status, 204);
      assert.equal((await coord.call('POST', `${api}/groups/${open}/leave`)).status, 204);
      assert.equal((await member.call('DELETE', `${api}/groups/${open}/members/coord`)).status, 404, 'no longer a member');
      const myGroups = await member.call('GET', `${api}/me/groups`);
      assert.ok(myGroups.body.groups.some((g: { slug: string; role: string }) => g.slug === open && g.role === 'coordinator'));
    });

    it('runs invitations end to end: preview, accept, expiry, use limit, revocation', { skip }, async () => {
      const slug = (await coord.call('POST', `${api}/groups`, { name: 'Night Shift', kind: 'affinity', visibility: 'secret', joinPolicy: 'invitation' })).body.slug as string;
      const made = await coord.call('POST', `${api}/groups/${slug}/invitations`, { expiresInHours: 1, maxUses: 1 });
      assert.equal(made.status, 201);
      const preview = await anonymous.call('GET', `${api}/invitations/${made.body.token}`);
      assert.deepEqual([preview.status, preview.body.group.name], [200, 'Night Shift']);
      assert.equal((await anonymous.call('POST', `${api}/invitations/${made.body.token}/accept`)).status, 401);
      const accepted = await member.call('POST', `${api}/invitations/${made.body.token}/accept`);
      assert.deepEqual([accepted.status, accepted.body], [200, { slug, status: 'member' }]);
      const usedUp = await outsider.call('POST', `${api}/invitations/${made.body.token}/accept`);
      assert.deepEqual([usedUp.status, usedUp.body.code], [410, 'invitation_used_up']);

      t.clock.advance(1000);
      const later = await coord.call('POST', `${api}/groups/${slug}/invitations`, { expiresInHours: 1 });
      t.clock.advance(hour);
      assert.equal((await anonymous.call('GET', `${api}/invitations/${later.body.token}`)).body.code, 'invitation_expired');

      const revoked = await coord.call('POST', `${api}/groups/${slug}/invitations`, {});
      assert.equal((await coord.call('DELETE', `${api}/groups/${slug}/invitations/${revoked.body.id}`)).status, 204);
      assert.equal((await outsider.call('POST', `${api}/invitations/${revoked.body.token}/accept`)).body.code, 'invitation_revoked');
      assert.equal((await anonymous.call('GET', `${api}/invitations/unknown-token`)).status, 404);
      assert.equal((await coord.call('POST', `${api}/groups/${slug}/invitations`, { maxUses: 5000 })).body.fields.maxUses !== undefined, true);
      const list = await coord.call('GET', `${api}/groups/${slug}/invitations`);
      assert.deepEqual(list.body.invitations.map((i: { uses: number; revoked: boolean }) => [i.uses, i.revoked]), [[0, true], [0, false], [1, false]]);
    });
  });
}
