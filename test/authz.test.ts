import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp, Caller, type TestApp } from './support/app.ts';

/**
 * Every route x every kind of caller, against a *secret* group. The table must name every
 * operation in the OpenAPI document, so a new route cannot ship without a row here.
 * Where a caller may not know the group exists, the answer must be byte-identical to the
 * same request for a group that does not exist.
 */
const roles = ['anonymous', 'outsider', 'admin', 'member', 'coordinator'] as const;
type Role = (typeof roles)[number];

interface World {
  slug: string;
  memberHandle: string;
  bystanderHandle: string;
  requestId: string;
  invitationId: string;
  invitationToken: string;
  coordinatorTokenId: string;
  /** A closed, published action of the secret group, with one node and one disclosure. */
  actionSlug: string;
  nodeId: string;
  disclosureId: string;
  /** The member's RSVP to that action: their device ticket. */
  memberTicket: string;
  /** Mutual aid in the secret group: an open need and an offer by the bystander, and a need posted without an account that the bystander holds. */
  needId: string;
  heldNeedId: string;
  offerId: string;
}

interface Case {
  path: (w: World) => string;
  body?: (w: World, role: Role) => unknown;
  expect: Record<Role, number>;
}

const password = 'a long enough passphrase';
const anyone = (status: number): Record<Role, number> => ({ anonymous: status, outsider: status, admin: status, member: status, coordinator: status });
const signedIn = (status: number): Record<Role, number> => ({ ...anyone(status), anonymous: 401 });
const insiders = (anonymous: number, member: number, coordinator: number): Record<Role, number> =>
  ({ anonymous, outsider: 404, admin: 404, member, coordinator });

const table: Record<string, Case> = {
  'POST /api/v1/accounts': { path: () => '/api/v1/accounts', body: (_w, r) => ({ handle: `fresh_${r}`, password }), expect: anyone(201) },
  'POST /api/v1/session': { path: () => '/api/v1/session', body: (w) => ({ handle: w.memberHandle, password }), expect: anyone(200) },
  'GET /api/v1/session': { path: () => '/api/v1/session', expect: anyone(200) },
  'DELETE /api/v1/session': { path: () => '/api/v1/session', expect: anyone(204) },
  'GET /api/v1/users/{handle}': { path: (w) => `/api/v1/users/${w.memberHandle}`, expect: anyone(200) },
  'POST /api/v1/setup/admin': { path: () => '/api/v1/setup/admin', body: () => ({ token: 'not-a-real-token', handle: 'usurper', password }), expect: anyone(404) },
  'GET /api/v1/me': { path: () => '/api/v1/me', expect: signedIn(200) },
  'PATCH /api/v1/me': { path: () => '/api/v1/me', body: () => ({ bio: 'hello' }), expect: signedIn(200) },
  'DELETE /api/v1/me': { path: () => '/api/v1/me', body: () => ({ password }), expect: { ...signedIn(204), coordinator: 409 } },
  'POST /api/v1/me/password': { path: () => '/api/v1/me/password', body: () => ({ currentPassword: password, newPassword: 'another long passphrase' }), expect: signedIn(204) },
  'GET /api/v1/me/tokens': { path: () => '/api/v1/me/tokens', expect: signedIn(200) },
  'POST /api/v1/me/tokens': { path: () => '/api/v1/me/tokens', body: () => ({ name: 'cli' }), expect: signedIn(201) },
  'DELETE /api/v1/me/tokens/{id}': { path: (w) => `/api/v1/me/tokens/${w.coordinatorTokenId}`, expect: { ...signedIn(404), coordinator: 204 } },
  'GET /api/v1/groups': { path: () => '/api/v1/groups', expect: anyone(200) },
  'POST /api/v1/groups': { path: () => '/api/v1/groups', body: (_w, r) => ({ name: `Group of ${r}`, kind: 'affinity', visibility: 'public', joinPolicy: 'open' }), expect: signedIn(201) },
  'GET /api/v1/me/groups': { path: () => '/api/v1/me/groups', expect: signedIn(200) },
  'GET /api/v1/groups/{slug}': { path: (w) => `/api/v1/groups/${w.slug}`, expect: insiders(404, 200, 200) },
  'PATCH /api/v1/groups/{slug}': { path: (w) => `/api/v1/groups/${w.slug}`, body: () => ({ city: 'Lyon' }), expect: insiders(401, 403, 200) },
  'DELETE /api/v1/groups/{slug}': { path: (w) => `/api/v1/groups/${w.slug}`, expect: insiders(401, 403, 204) },
  'POST /api/v1/groups/{slug}/join': { path: (w) => `/api/v1/groups/${w.slug}/join`, body: () => ({}), expect: insiders(401, 409, 409) },
  // The bystander is still a member, so the last coordinator may not walk away.
  'POST /api/v1/groups/{slug}/leave': { path: (w) => `/api/v1/groups/${w.slug}/leave`, expect: insiders(401, 204, 409) },
  'GET /api/v1/groups/{slug}/members': { path: (w) => `/api/v1/groups/${w.slug}/members`, expect: insiders(404, 200, 200) },
  'PATCH /api/v1/groups/{slug}/members/{handle}': { path: (w) => `/api/v1/groups/${w.slug}/members/${w.bystanderHandle}`, body: () => ({ role: 'coordinator' }), expect: insiders(401, 403, 204) },
  'DELETE /api/v1/groups/{slug}/members/{handle}': { path: (w) => `/api/v1/groups/${w.slug}/members/${w.bystanderHandle}`, expect: insiders(401, 403, 204) },
  'GET /api/v1/groups/{slug}/requests': { path: (w) => `/api/v1/groups/${w.slug}/requests`, expect: insiders(401, 403, 200) },
  'DELETE /api/v1/groups/{slug}/requests/mine': { path: (w) => `/api/v1/groups/${w.slug}/requests/mine`, expect: insiders(401, 404, 404) },
  'POST /api/v1/groups/{slug}/requests/{id}/approve': { path: (w) => `/api/v1/groups/${w.slug}/requests/${w.requestId}/approve`, expect: insiders(401, 403, 204) },
  'POST /api/v1/groups/{slug}/requests/{id}/decline': { path: (w) => `/api/v1/groups/${w.slug}/requests/${w.requestId}/decline`, expect: insiders(401, 403, 204) },
  'GET /api/v1/groups/{slug}/invitations': { path: (w) => `/api/v1/groups/${w.slug}/invitations`, expect: insiders(401, 403, 200) },
  'POST /api/v1/groups/{slug}/invitations': { path: (w) => `/api/v1/groups/${w.slug}/invitations`, body: () => ({}), expect: insiders(401, 403, 201) },
  'DELETE /api/v1/groups/{slug}/invitations/{id}': { path: (w) => `/api/v1/groups/${w.slug}/invitations/${w.invitationId}`, expect: insiders(401, 403, 204) },
  // Holding the link is the permission: even a secret group's invitation previews and can be accepted.
  'GET /api/v1/invitations/{token}': { path: (w) => `/api/v1/invitations/${w.invitationToken}`, expect: anyone(200) },
  'POST /api/v1/invitations/{token}/accept': { path: (w) => `/api/v1/invitations/${w.invitationToken}/accept`, expect: { anonymous: 401, outsider: 200, admin: 200, member: 409, coordinator: 409 } },
  // Actions (organizer side) of the secret group; the action is closed, so outsiders cannot know it exists.
  'POST /api/v1/groups/{slug}/actions': { path: (w) => `/api/v1/groups/${w.slug}/actions`, body: () => ({ title: 'Another action', visibility: 'closed', timing: { mode: 'same-instant', at: '2026-07-01T12:00:00Z' }, durationMinutes: 60 }), expect: insiders(401, 403, 201) },
  'GET /api/v1/actions': { path: () => '/api/v1/actions', expect: anyone(200) },
  'GET /api/v1/actions/{slug}': { path: (w) => `/api/v1/actions/${w.actionSlug}`, expect: insiders(404, 200, 200) },
  'PATCH /api/v1/actions/{slug}': { path: (w) => `/api/v1/actions/${w.actionSlug}`, body: () => ({ title: 'Renamed action' }), expect: insiders(401, 403, 200) },
  'POST /api/v1/actions/{slug}/publish': { path: (w) => `/api/v1/actions/${w.actionSlug}/publish`, expect: insiders(401, 403, 200) },
  'POST /api/v1/actions/{slug}/nodes': { path: (w) => `/api/v1/actions/${w.actionSlug}/nodes`, body: (w) => ({ hostGroup: w.slug, city: 'Leeds', zone: 'Europe/London' }), expect: insiders(401, 403, 201) },
  'PATCH /api/v1/actions/{slug}/nodes/{nodeId}': { path: (w) => `/api/v1/actions/${w.actionSlug}/nodes/${w.nodeId}`, body: () => ({ capacity: 30 }), expect: insiders(401, 403, 200) },
  'DELETE /api/v1/actions/{slug}/nodes/{nodeId}': { path: (w) => `/api/v1/actions/${w.actionSlug}/nodes/${w.nodeId}`, expect: insiders(401, 403, 204) },
  'POST /api/v1/actions/{slug}/nodes/{nodeId}/approve': { path: (w) => `/api/v1/actions/${w.actionSlug}/nodes/${w.nodeId}/approve`, expect: insiders(401, 403, 200) },
  'GET /api/v1/actions/{slug}/nodes/{nodeId}/code': { path: (w) => `/api/v1/actions/${w.actionSlug}/nodes/${w.nodeId}/code`, expect: insiders(401, 404, 200) },
  'GET /api/v1/actions/{slug}/disclosures': { path: (w) => `/api/v1/actions/${w.actionSlug}/disclosures`, expect: insiders(401, 404, 200) },
  'POST /api/v1/actions/{slug}/disclosures': { path: (w) => `/api/v1/actions/${w.actionSlug}/disclosures`, body: () => ({ tier: 'rsvp', offsetMinutes: -60, text: 'The staging point' }), expect: insiders(401, 403, 201) },
  'PATCH /api/v1/actions/{slug}/disclosures/{id}': { path: (w) => `/api/v1/actions/${w.actionSlug}/disclosures/${w.disclosureId}`, body: () => ({ offsetMinutes: -30 }), expect: insiders(401, 403, 200) },
  'DELETE /api/v1/actions/{slug}/disclosures/{id}': { path: (w) => `/api/v1/actions/${w.actionSlug}/disclosures/${w.disclosureId}`, expect: insiders(401, 403, 204) },
  'GET /api/v1/actions/{slug}/playbook': { path: (w) => `/api/v1/actions/${w.actionSlug}/playbook`, expect: insiders(401, 404, 200) },
  'POST /api/v1/groups/{slug}/playbooks': { path: (w) => `/api/v1/groups/${w.slug}/playbooks`, body: () => ({ format: 'blossom-playbook/1', title: 'Forked', visibility: 'closed', timing: { mode: 'same-local', wall: '2026-07-01T12:00' }, durationMinutes: 60, nodes: [], disclosures: [] }), expect: insiders(401, 403, 201) },
  'GET /api/v1/actions/{slug}/calendar.ics': { path: (w) => `/api/v1/actions/${w.actionSlug}/calendar.ics`, expect: insiders(404, 200, 200) },
  // The participant side: the member has RSVPed (by account and ticket); the coordinator marshals every node.
  'POST /api/v1/actions/{slug}/rsvp': { path: (w) => `/api/v1/actions/${w.actionSlug}/rsvp`, body: (w) => ({ nodeId: w.nodeId }), expect: insiders(404, 409, 201) },
  'DELETE /api/v1/actions/{slug}/rsvp': { path: (w) => `/api/v1/actions/${w.actionSlug}/rsvp`, expect: insiders(404, 204, 404) },
  'GET /api/v1/actions/{slug}/me': { path: (w) => `/api/v1/actions/${w.actionSlug}/me`, expect: insiders(404, 200, 404) },
  'POST /api/v1/actions/{slug}/checkin': { path: (w) => `/api/v1/actions/${w.actionSlug}/checkin`, body: () => ({ code: '222222' }), expect: insiders(404, 422, 404) },
  'POST /api/v1/actions/{slug}/nodes/{nodeId}/checkins': { path: (w) => `/api/v1/actions/${w.actionSlug}/nodes/${w.nodeId}/checkins`, body: (w) => ({ ticket: w.memberTicket }), expect: insiders(401, 404, 200) },
  'GET /api/v1/actions/{slug}/live': { path: (w) => `/api/v1/actions/${w.actionSlug}/live?node=${w.nodeId}`, expect: insiders(404, 200, 200) },
  'POST /api/v1/actions/{slug}/broadcasts': { path: (w) => `/api/v1/actions/${w.actionSlug}/broadcasts`, body: (w) => ({ tier: 'rsvp', text: 'North entrance', nodeId: w.nodeId }), expect: insiders(401, 404, 201) },
  // Mutual aid in the secret group. Needs are posted with no account where the network can be seen at all.
  'GET /api/v1/groups/{slug}/aid': { path: (w) => `/api/v1/groups/${w.slug}/aid`, expect: insiders(404, 200, 200) },
  'PATCH /api/v1/groups/{slug}/aid': { path: (w) => `/api/v1/groups/${w.slug}/aid`, body: () => ({ categories: ['food', 'pets'] }), expect: insiders(401, 403, 200) },
  'GET /api/v1/groups/{slug}/aid/dispatch': { path: (w) => `/api/v1/groups/${w.slug}/aid/dispatch`, expect: insiders(401, 403, 200) },
  'GET /api/v1/groups/{slug}/aid/counts': { path: (w) => `/api/v1/groups/${w.slug}/aid/counts`, expect: insiders(401, 200, 200) },
  'GET /api/v1/me/aid': { path: () => '/api/v1/me/aid', expect: signedIn(200) },
  'POST /api/v1/groups/{slug}/aid/needs': { path: (w) => `/api/v1/groups/${w.slug}/aid/needs`, body: () => ({ category: 'food', description: 'Bread', lat: 51.5, lon: -0.1 }), expect: insiders(404, 201, 201) },
  'GET /api/v1/groups/{slug}/aid/needs': { path: (w) => `/api/v1/groups/${w.slug}/aid/needs`, expect: insiders(401, 200, 200) },
  'GET /api/v1/aid/needs/{id}': { path: (w) => `/api/v1/aid/needs/${w.needId}`, expect: insiders(404, 200, 200) },
  'DELETE /api/v1/aid/needs/{id}': { path: (w) => `/api/v1/aid/needs/${w.needId}`, expect: insiders(401, 403, 204) },
  'GET /api/v1/aid/needs/{id}/offers': { path: (w) => `/api/v1/aid/needs/${w.needId}/offers`, expect: insiders(404, 200, 200) },
  // The member takes it first, so the coordinator finds it taken.
  'POST /api/v1/aid/needs/{id}/claim': { path: (w) => `/api/v1/aid/needs/${w.needId}/claim`, body: () => ({}), expect: insiders(401, 200, 409) },
  'POST /api/v1/aid/needs/{id}/release': { path: (w) => `/api/v1/aid/needs/${w.heldNeedId}/release`, expect: insiders(401, 403, 200) },
  'POST /api/v1/aid/needs/{id}/fulfil': { path: (w) => `/api/v1/aid/needs/${w.heldNeedId}/fulfil`, expect: insiders(404, 403, 200) },
  // Only its poster may withdraw a need, and the poster is none of these.
  'POST /api/v1/aid/needs/{id}/withdraw': { path: (w) => `/api/v1/aid/needs/${w.needId}/withdraw`, expect: insiders(404, 403, 403) },
  'POST /api/v1/aid/needs/{id}/assign': { path: (w) => `/api/v1/aid/needs/${w.needId}/assign`, body: (w) => ({ helper: w.memberHandle }), expect: insiders(401, 403, 200) },
  'POST /api/v1/groups/{slug}/aid/offers': { path: (w) => `/api/v1/groups/${w.slug}/aid/offers`, body: () => ({ category: 'food', description: 'Soup', lat: 51.5, lon: -0.1 }), expect: insiders(401, 201, 201) },
  'GET /api/v1/groups/{slug}/aid/offers': { path: (w) => `/api/v1/groups/${w.slug}/aid/offers`, expect: insiders(401, 200, 200) },
  'DELETE /api/v1/aid/offers/{id}': { path: (w) => `/api/v1/aid/offers/${w.offerId}`, expect: insiders(401, 403, 204) },
  'GET /api/v1/groups/{slug}/aid/matches': { path: (w) => `/api/v1/groups/${w.slug}/aid/matches`, expect: insiders(401, 200, 200) },
};

const missingSlug = 'no-such-group-anywhere';

function operations(): string[] {
  const doc = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
}

async function world(t: TestApp): Promise<{ w: World; callers: Record<Role, Caller> }> {
  let net = 0;
  const person = (handle: string) => new Caller(t.app, `198.18.${++net}.1`).signUp(handle, password);
  const coordinator = await person('coord');
  const member = await person('mem');
  const bystander = await person('bystander');
  const requester = await person('requester');
  const outsider = await person('outsider');
  const admin = await person('admin');
  await t.fixture.store.db.updateTable('users').set({ is_admin: 1 }).where('handle', '=', 'admin').execute();

  const group = await coordinator.call('POST', '/api/v1/groups', { name: 'Night Kitchen', kind: 'affinity', visibility: 'secret', joinPolicy: 'request' });
  assert.equal(group.status, 201);
  const slug = group.body.slug as string;
  for (const joiner of [member, bystander]) {
    const inv = await coordinator.call('POST', `/api/v1/groups/${slug}/invitations`, {});
    assert.equal((await joiner.call('POST', `/api/v1/invitations/${inv.body.token}/accept`)).status, 200);
  }
  // A secret group cannot be found to ask; a request stands only where someone was once shown it.
  const requesterId = (await requester.call('GET', '/api/v1/me')).body.id as string;
  const groupRow = await t.fixture.store.db.selectFrom('groups').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  const requestId = '0190a0b0-0000-7000-8000-000000000001';
  await t.fixture.store.db.insertInto('join_requests').values({ id: requestId, group_id: groupRow.id, user_id: requesterId, message: '', created_at: t.clock.now().toISOString() }).execute();
  const invitation = await coordinator.call('POST', `/api/v1/groups/${slug}/invitations`, { maxUses: 10 });
  const token = await coordinator.call('POST', '/api/v1/me/tokens', { name: 'laptop' });
  const action = await coordinator.call('POST', `/api/v1/groups/${slug}/actions`, { title: 'Night market', visibility: 'closed', timing: { mode: 'same-instant', at: '2026-07-01T12:00:00Z' }, durationMinutes: 60 });
  const node = await coordinator.call('POST', `/api/v1/actions/${action.body.slug}/nodes`, { city: 'Leeds', zone: 'Europe/London' });
  const disclosure = await coordinator.call('POST', `/api/v1/actions/${action.body.slug}/disclosures`, { tier: 'present', offsetMinutes: -5, text: 'The target' });
  assert.equal((await coordinator.call('POST', `/api/v1/actions/${action.body.slug}/publish`)).status, 200);
  const memberRsvp = await member.call('POST', `/api/v1/actions/${action.body.slug}/rsvp`, { nodeId: node.body.id });
  assert.equal(memberRsvp.status, 201);
  const aidPlace = { category: 'food', description: 'Bread for two', lat: 51.5, lon: -0.1, place: '1 Hidden Yard' };
  const offer = await bystander.call('POST', `/api/v1/groups/${slug}/aid/offers`, { category: 'food', description: 'Soup', lat: 51.5, lon: -0.1 });
  const need = await bystander.call('POST', `/api/v1/groups/${slug}/aid/needs`, aidPlace);
  const held = await bystander.call('POST', `/api/v1/groups/${slug}/aid/needs`, aidPlace);
  await t.fixture.store.db.updateTable('aid_needs').set({ poster_id: null }).where('id', '=', held.body.need.id).execute();
  assert.equal((await bystander.call('POST', `/api/v1/aid/needs/${held.body.need.id}/claim`, {})).status, 200);
  return {
    w: {
      slug, memberHandle: 'mem', bystanderHandle: 'bystander', requestId, invitationId: invitation.body.id, invitationToken: invitation.body.token, coordinatorTokenId: token.body.id,
      actionSlug: action.body.slug, nodeId: node.body.id, disclosureId: disclosure.body.id, memberTicket: memberRsvp.body.ticket,
      needId: need.body.need.id, heldNeedId: held.body.need.id, offerId: offer.body.id,
    },
    callers: { anonymous: new Caller(t.app, '198.18.200.1'), outsider, admin, member, coordinator },
  };
}

describe('authorization table', () => {
  it('names every operation in the OpenAPI document, and nothing else', () => {
    assert.deepEqual(Object.keys(table).sort(), operations().sort());
  });

  // Reads share one world; every write gets a fresh one, so no case depends on another's leftovers.
  let shared: Promise<{ t: TestApp; w: World; callers: Record<Role, Caller> }> | undefined;
  after(async () => (await shared)?.t.dispose());

  for (const [operation, c] of Object.entries(table)) {
    describe(operation, () => {
      let t: TestApp;
      let w: World;
      let callers: Record<Role, Caller>;
      let own = false;
      before(async () => {
        if (operation.startsWith('GET ')) {
          shared ??= testApp('sqlite').then(async (app) => ({ t: app, ...(await world(app)) }));
          ({ t, w, callers } = await shared);
          return;
        }
        own = true;
        t = await testApp('sqlite');
        ({ w, callers } = await world(t));
      });
      after(async () => {
        if (own) await t.dispose();
      });

      // Least privileged first, so a coordinator's destructive success comes last.
      for (const role of roles) {
        it(`${role} gets ${c.expect[role]}`, async () => {
          const [method] = operation.split(' ') as [string];
          const res = await callers[role].call(method, c.path(w), c.body?.(w, role));
          assert.equal(res.status, c.expect[role], `${operation} as ${role}: ${res.text}`);
          if (res.status === 404 && c.path(w).includes(w.slug)) {
            const probe = await callers[role].call(method, c.path(w).replace(w.slug, missingSlug), c.body?.(w, role));
            assert.equal(probe.status, 404);
            assert.equal(res.text, probe.text, 'a hidden group must look exactly like a missing one');
            assert.equal(res.headers.get('content-type'), probe.headers.get('content-type'));
          }
        });
      }
    });
  }
});
