import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { addNode, api, draftAction, join, newGroup, publish, stage, type Stage } from './organizer-fixtures.ts';
import type { NodeView } from './views.ts';

/** Blossom everywhere: other groups add their own city to an action open for nodes. */
for (const dialect of dialects) {
  describe(`actions: blossom everywhere on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let organizer: Caller;
    let host: Caller;
    let hostMember: Caller;
    let coreMember: Caller;
    let anonymous: Caller;
    let core: string;
    let local: string;
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      [organizer, host, hostMember, coreMember] = [await s.person('organizer'), await s.person('lyon'), await s.person('lyonnaise'), await s.person('corey')];
      anonymous = s.anonymous();
      core = await newGroup(organizer, 'Core Crew');
      local = await newGroup(host, 'Lyon Local');
      await join(hostMember, local);
      await join(coreMember, core);
    });
    after(async () => s?.t.dispose());

    async function openAction(nodesPolicy: string): Promise<{ slug: string; london: NodeView }> {
      const action = await draftAction(organizer, core, { nodesPolicy });
      const london = await addNode(organizer, action.slug, 'London', 'Europe/London');
      await publish(organizer, action.slug);
      return { slug: action.slug, london };
    }
    const cities = async (caller: Caller, slug: string) =>
      (await caller.call('GET', `${api}/actions/${slug}`)).body.nodes.map((n: NodeView) => `${n.city}:${n.status}:${n.tier}`);
    const lyon = { hostGroup: '', city: 'Lyon', zone: 'Europe/Paris' };

    it("adds another group's node at once when the action is open for nodes", { skip }, async () => {
      const { slug, london } = await openAction('immediate');
      const node = await addNode(host, slug, 'Lyon', 'Europe/Paris', { hostGroup: local });
      assert.equal(node.status, 'active');
      assert.deepEqual(node.host, { slug: local, name: 'Lyon Local' });
      assert.deepEqual(await cities(anonymous, slug), ['London:active:public', 'Lyon:active:public']);
      assert.deepEqual(await cities(host, slug), ['London:active:public', 'Lyon:active:marshal']);

      // The host group's coordinators run their node, and only theirs.
      assert.equal((await host.call('GET', `${api}/actions/${slug}/nodes/${node.id}/code`)).status, 200);
      assert.equal((await host.call('GET', `${api}/actions/${slug}/nodes/${london.id}/code`)).status, 404);
      assert.equal((await host.call('PATCH', `${api}/actions/${slug}/nodes/${node.id}`, { capacity: 200 })).body.capacity, 200);
      assert.equal((await host.call('PATCH', `${api}/actions/${slug}/nodes/${london.id}`, { capacity: 1 })).body.code, 'forbidden');
      assert.equal((await host.call('DELETE', `${api}/actions/${slug}/nodes/${london.id}`)).body.code, 'forbidden');
      assert.equal((await host.call('PATCH', `${api}/actions/${slug}`, { title: 'Ours now' })).body.code, 'forbidden');

      // A plain member of the host group cannot add a node for it; a node needs a host.
      assert.equal((await hostMember.call('POST', `${api}/actions/${slug}/nodes`, { ...lyon, hostGroup: local })).body.code, 'forbidden');
      const hostless = await host.call('POST', `${api}/actions/${slug}/nodes`, { city: 'Lyon', zone: 'Europe/Paris' });
      assert.equal(hostless.status, 422);
      assert.ok(hostless.body.fields.hostGroup);

      assert.equal((await host.call('DELETE', `${api}/actions/${slug}/nodes/${node.id}`)).status, 204);
      assert.deepEqual(await cities(anonymous, slug), ['London:active:public']);
    });

    it('holds the node as pending until an owner coordinator approves it', { skip }, async () => {
      const { slug } = await openAction('approval');
      const node = await addNode(host, slug, 'Lyon', 'Europe/Paris', { hostGroup: local });
      assert.equal(node.status, 'pending');
      assert.deepEqual(await cities(anonymous, slug), ['London:active:public']);
      assert.deepEqual(await cities(coreMember, slug), ['London:active:public']);
      assert.deepEqual(await cities(organizer, slug), ['London:active:marshal', 'Lyon:pending:marshal']);
      const pendingPath = `${api}/actions/${slug}/nodes/${node.id}`;
      const hidden = await anonymous.call('GET', `${pendingPath}/code`);
      assert.equal(hidden.status, 401);
      assert.equal((await coreMember.call('GET', `${pendingPath}/code`)).status, 404);

      assert.equal((await host.call('POST', `${pendingPath}/approve`)).body.code, 'forbidden');
      assert.equal((await coreMember.call('POST', `${pendingPath}/approve`)).body.code, 'forbidden');
      const approved = await organizer.call('POST', `${pendingPath}/approve`);
      assert.equal(approved.status, 200);
      assert.equal(approved.body.status, 'active');
      assert.deepEqual(await cities(anonymous, slug), ['London:active:public', 'Lyon:active:public']);
    });

    it('refuses other groups when the action is closed for nodes, and hides drafts from them', { skip }, async () => {
      const { slug } = await openAction('closed');
      const refused = await host.call('POST', `${api}/actions/${slug}/nodes`, { ...lyon, hostGroup: local });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'nodes_closed');
      const draft = await draftAction(organizer, core, { nodesPolicy: 'immediate' });
      const unseen = await host.call('POST', `${api}/actions/${draft.slug}/nodes`, { ...lyon, hostGroup: local });
      assert.equal(unseen.status, 404);
      assert.deepEqual(await cities(organizer, slug), ['London:active:marshal']);
    });

    it('appoints marshals from the owning or the host group only', { skip }, async () => {
      const { slug, london } = await openAction('closed');
      const path = `${api}/actions/${slug}/nodes/${london.id}`;
      assert.equal((await coreMember.call('GET', `${path}/code`)).status, 404);
      const appointed = await organizer.call('PATCH', path, { marshals: ['corey'] });
      assert.deepEqual(appointed.body.marshals, ['corey']);
      assert.equal((await coreMember.call('GET', `${path}/code`)).status, 200);
      assert.deepEqual(await cities(coreMember, slug), ['London:active:marshal']);
      // Appointed marshals show the code; they do not run the node.
      assert.equal((await coreMember.call('PATCH', path, { capacity: 3 })).body.code, 'forbidden');
      const stranger = await organizer.call('PATCH', path, { marshals: ['lyonnaise'] });
      assert.equal(stranger.status, 422);
      assert.match(stranger.body.fields.marshals, /lyonnaise/);
      await organizer.call('PATCH', path, { marshals: [] });
      assert.equal((await coreMember.call('GET', `${path}/code`)).status, 404);
    });
  });
}
