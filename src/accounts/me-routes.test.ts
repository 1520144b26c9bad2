import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, Caller, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';

const password = 'a long enough passphrase';

for (const dialect of dialects) {
  describe(`my account over HTTP on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let network = 0;
    const caller = () => new Caller(t.app, `203.0.${++network}.9`);
    before(async () => {
      if (!skip) t = await testApp(dialect, { BLOSSOM_TRUST_PROXY: 'true' });
    });
    after(async () => t?.dispose());

    it('updates the profile', { skip }, async () => {
      const c = await caller().signUp('sorrel');
      const res = await c.call('PATCH', '/api/v1/me', {
        displayName: 'Sorrel', bio: 'Seed library.', languages: ['en', 'es'], email: 'sorrel@example.org',
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.displayName, 'Sorrel');
      assert.deepEqual(res.body.languages, ['en', 'es']);
      assert.equal(res.body.email, 'sorrel@example.org');
      const cleared = await c.call('PATCH', '/api/v1/me', { email: null });
      assert.equal(cleared.body.email, null);
      assert.equal((await c.call('GET', '/api/v1/users/sorrel')).body.bio, 'Seed library.');
      const bad = await c.call('PATCH', '/api/v1/me', { email: 'not an email' });
      assert.equal(bad.status, 422);
      assert.ok(bad.body.fields.email);
    });

    it('changes the password and logs out the other sessions', { skip }, async () => {
      const here = await caller().signUp('tansy');
      const elsewhere = caller();
      await elsewhere.call('POST', '/api/v1/session', { handle: 'tansy', password });
      elsewhere.csrf = (await elsewhere.call('GET', '/api/v1/session')).body.csrfToken;

      const wrong = await here.call('POST', '/api/v1/me/password', { currentPassword: 'wrong guess', newPassword: 'a brand new passphrase' });
      assert.equal(wrong.status, 422);
      assert.equal(wrong.body.code, 'wrong_password');
      assert.ok(wrong.body.fields.currentPassword);
      const short = await here.call('POST', '/api/v1/me/password', { currentPassword: password, newPassword: 'short' });
      assert.equal(short.status, 422);
      assert.ok(short.body.fields.newPassword);

      const ok = await here.call('POST', '/api/v1/me/password', { currentPassword: password, newPassword: 'a brand new passphrase' });
      assert.equal(ok.status, 204);
      assert.equal((await here.call('GET', '/api/v1/me')).status, 200);
      assert.equal((await elsewhere.call('GET', '/api/v1/me')).status, 401);
      assert.equal((await caller().call('POST', '/api/v1/session', { handle: 'tansy', password })).status, 401);
      assert.equal((await caller().call('POST', '/api/v1/session', { handle: 'tansy', password: 'a brand new passphrase' })).status, 200);
    });

    it('works with a bearer token, without CSRF, until the token is revoked', { skip }, async () => {
      const c = await caller().signUp('yarrow');
      const made = await c.call('POST', '/api/v1/me/tokens', { name: 'calendar sync' });
      assert.equal(made.status, 201);
      assert.equal(made.body.name, 'calendar sync');
      assert.equal(typeof made.body.token, 'string');

      const script = caller();
      script.token = made.body.token;
      assert.equal((await script.call('GET', '/api/v1/me')).body.handle, 'yarrow');
      assert.equal((await script.call('PATCH', '/api/v1/me', { bio: 'from a script' })).status, 200);
      const session = await script.call('GET', '/api/v1/session');
      assert.deepEqual([session.body.user.handle, session.body.csrfToken], ['yarrow', null]);

      t.clock.advance(1000);
      const listed = await c.call('GET', '/api/v1/me/tokens');
      assert.equal(listed.body.tokens.length, 1);
      assert.deepEqual(Object.keys(listed.body.tokens[0]).sort(), ['createdAt', 'id', 'lastUsedAt', 'name']);
      assert.ok(listed.body.tokens[0].lastUsedAt);

      const stranger = await caller().signUp('stranger_yarrow');
      assert.equal((await stranger.call('DELETE', `/api/v1/me/tokens/${made.body.id}`)).status, 404);
      assert.equal((await c.call('DELETE', `/api/v1/me/tokens/${made.body.id}`)).status, 204);
      const revoked = await script.call('GET', '/api/v1/me');
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.code, 'invalid_token');
      assert.deepEqual((await c.call('GET', '/api/v1/me/tokens')).body.tokens, []);
    });

    it('deletes the account after checking the password, and logs out', { skip }, async () => {
      const c = await caller().signUp('bramble');
      const wrong = await c.call('DELETE', '/api/v1/me', { password: 'not my password' });
      assert.equal(wrong.status, 422);
      assert.equal(wrong.body.code, 'wrong_password');
      assert.ok(wrong.body.fields.password);
      assert.equal((await c.call('GET', '/api/v1/users/bramble')).status, 200);

      const res = await c.call('DELETE', '/api/v1/me', { password });
      assert.equal(res.status, 204);
      assert.equal(c.cookie, null);
      assert.equal((await caller().call('GET', '/api/v1/users/bramble')).status, 404);
      assert.equal((await caller().call('POST', '/api/v1/session', { handle: 'bramble', password })).status, 401);
      // The handle is free again: nothing of the old account holds on to it.
      await caller().signUp('bramble');
    });

    it('needs a login for everything under /me', { skip }, async () => {
      const c = caller();
      for (const [method, path] of [['GET', '/api/v1/me'], ['GET', '/api/v1/me/tokens']] as const) {
        const res = await c.call(method, path);
        assert.equal(res.status, 401);
        assert.equal(res.body.code, 'unauthenticated');
      }
      assert.equal((await c.call('PATCH', '/api/v1/me', { bio: 'x' })).status, 401);
      assert.equal((await c.call('POST', '/api/v1/me/tokens', { name: 'x' })).status, 401);
    });
  });
}
