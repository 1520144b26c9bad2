import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, Caller, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';

const password = 'a long enough passphrase';
const minute = 60 * 1000;

for (const dialect of dialects) {
  describe(`accounts HTTP API on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let network = 0;
    // Each caller comes from its own /24, so rate limits of one test do not spill into the next.
    const caller = () => new Caller(t.app, `198.51.${++network}.7`);
    before(async () => {
      // Trust X-Forwarded-For so the Caller's simulated addresses reach the rate limiter.
      if (!skip) t = await testApp(dialect, { BLOSSOM_TRUST_PROXY: 'true' });
    });
    after(async () => t?.dispose());

    it('signs up, stays logged in, logs out and logs back in', { skip }, async () => {
      const c = caller();
      const res = await c.call('POST', '/api/v1/accounts', { handle: 'Meadow', password, displayName: 'Meadow M.' });
      assert.equal(res.status, 201);
      assert.equal(res.body.user.handle, 'meadow');
      assert.equal(res.body.user.isAdmin, false);
      assert.equal(typeof res.body.csrfToken, 'string');
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^blossom_session=[\w-]{43};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      assert.match(cookie, new RegExp(`Max-Age=${t.config.sessionDays * 86400}`));
      assert.doesNotMatch(cookie, /Secure/, 'plain http in tests');
      c.csrf = res.body.csrfToken;

      const session = await c.call('GET', '/api/v1/session');
      assert.equal(session.body.user.handle, 'meadow');
      assert.equal(session.body.csrfToken, c.csrf);
      assert.equal((await c.call('GET', '/api/v1/me')).body.displayName, 'Meadow M.');

      assert.equal((await c.call('DELETE', '/api/v1/session')).status, 204);
      assert.equal(c.cookie, null);
      assert.deepEqual((await c.call('GET', '/api/v1/session')).body, { user: null, csrfToken: null });
      assert.equal((await c.call('GET', '/api/v1/me')).status, 401);

      const again = await c.call('POST', '/api/v1/session', { handle: 'MEADOW', password });
      assert.equal(again.status, 200);
      assert.equal(again.body.user.handle, 'meadow');
      assert.ok(c.cookie);
    });

    it('answers a wrong password and an unknown handle with the same 401', { skip }, async () => {
      await caller().signUp('wren');
      const wrong = await caller().call('POST', '/api/v1/session', { handle: 'wren', password: 'not it at all' });
      const unknown = await caller().call('POST', '/api/v1/session', { handle: 'no_such_wren', password });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'bad_credentials');
      assert.equal(wrong.text, unknown.text);
      assert.equal(wrong.headers.get('set-cookie'), null);
    });

    it('refuses a taken handle with 409 handle_taken', { skip }, async () => {
      await caller().signUp('heron');
      const res = await caller().call('POST', '/api/v1/accounts', { handle: 'HERON', password });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'handle_taken');
      assert.ok(res.body.fields.handle);
    });

    it('limits log-in attempts per handle, and the window resets', { skip }, async () => {
      await caller().signUp('guarded');
      for (let i = 0; i < 10; i++) {
        const res = await caller().call('POST', '/api/v1/session', { handle: 'guarded', password: `guess number ${i}` });
        assert.equal(res.status, 401);
      }
      // Even the right password waits: the bucket is per account, whichever network asks.
      const limited = await caller().call('POST', '/api/v1/session', { handle: 'guarded', password });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      t.clock.advance(15 * minute);
      assert.equal((await caller().call('POST', '/api/v1/session', { handle: 'guarded', password })).status, 200);
    });

    it('limits sign-ups per network, and the window resets', { skip }, async () => {
      // Different people behind one network: fresh browsers, same address.
      const neighbour = () => new Caller(t.app, '198.51.250.1');
      for (let i = 0; i < 10; i++) {
        assert.equal((await neighbour().call('POST', '/api/v1/accounts', { handle: `crowd_${i}`, password })).status, 201);
      }
      const limited = await neighbour().call('POST', '/api/v1/accounts', { handle: 'crowd_10', password });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, 'rate_limited');
      assert.equal((await caller().call('POST', '/api/v1/accounts', { handle: 'crowd_elsewhere', password })).status, 201);
      t.clock.advance(60 * minute);
      assert.equal((await neighbour().call('POST', '/api/v1/accounts', { handle: 'crowd_10', password })).status, 201);
    });

    it('limits log-in attempts per network', { skip }, async () => {
      const c = caller();
      for (let i = 0; i < 20; i++) {
        assert.equal((await c.call('POST', '/api/v1/session', { handle: `stranger_${i}`, password })).status, 401);
      }
      assert.equal((await c.call('POST', '/api/v1/session', { handle: 'stranger_x', password })).status, 429);
      t.clock.advance(15 * minute);
      assert.equal((await c.call('POST', '/api/v1/session', { handle: 'stranger_x', password })).status, 401);
    });

    it('requires the CSRF token on writes made with the session cookie', { skip }, async () => {
      const c = await caller().signUp('careful');
      const csrf = c.csrf;
      c.csrf = null;
      const bare = await c.call('PATCH', '/api/v1/me', { bio: 'forged' });
      assert.equal(bare.status, 403);
      assert.equal(bare.body.code, 'csrf_failed');
      const wrong = await c.call('PATCH', '/api/v1/me', { bio: 'forged' }, { 'x-csrf-token': 'guessed' });
      assert.equal(wrong.status, 403);
      assert.equal((await c.call('DELETE', '/api/v1/session')).status, 403, 'no forced log-out either');
      c.csrf = csrf;
      assert.equal((await c.call('GET', '/api/v1/me')).body.bio, '');
      assert.equal((await c.call('PATCH', '/api/v1/me', { bio: 'real' })).body.bio, 'real');
    });

    it('ends sessions when they expire', { skip }, async () => {
      const c = await caller().signUp('fleeting');
      t.clock.advance(t.config.sessionDays * 24 * 60 * minute);
      assert.deepEqual((await c.call('GET', '/api/v1/session')).body, { user: null, csrfToken: null });
    });

    it('shows public profiles to anyone, without private fields', { skip }, async () => {
      const c = await caller().signUp('public_face');
      await c.call('PATCH', '/api/v1/me', { email: 'face@example.org', bio: 'Hi.' });
      const res = await caller().call('GET', '/api/v1/users/Public_Face');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['bio', 'createdAt', 'displayName', 'handle', 'languages']);
      const missing = await caller().call('GET', '/api/v1/users/nobody_by_that_name');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'not_found');
    });

    it('refuses unknown fields, malformed JSON and oversized fields', { skip }, async () => {
      const c = caller();
      const unknown = await c.call('POST', '/api/v1/accounts', { handle: 'sneaky', password, isAdmin: true });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.code, 'unknown_field');
      assert.ok(unknown.body.fields.isAdmin);

      const malformed = await c.call('POST', '/api/v1/session', '{"handle": "x",');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.code, 'malformed_body');

      const big = await c.call('POST', '/api/v1/accounts', {
        handle: 'h'.repeat(31), password: 'p'.repeat(257), email: `${'e'.repeat(250)}@example.org`, displayName: 'd'.repeat(81),
      });
      assert.equal(big.status, 422);
      assert.deepEqual(Object.keys(big.body.fields).sort(), ['displayName', 'email', 'handle', 'password']);

      const me = await caller().signUp('bounded');
      const bio = await me.call('PATCH', '/api/v1/me', { bio: 'b'.repeat(2001), languages: Array(11).fill('en') });
      assert.equal(bio.status, 422);
      assert.ok(bio.body.fields.bio && bio.body.fields.languages);
      assert.equal((await me.call('GET', '/api/v1/me')).body.bio, '', 'nothing half-written');
      assert.equal((await c.call('GET', '/api/v1/users/sneaky')).status, 404);
    });

    it('answers 403 signup_closed when the server takes no new accounts', { skip }, async () => {
      const closed = await testApp(dialect, { BLOSSOM_SIGNUP_OPEN: 'false' });
      try {
        const res = await new Caller(closed.app).call('POST', '/api/v1/accounts', { handle: 'latecomer', password });
        assert.equal(res.status, 403);
        assert.equal(res.body.code, 'signup_closed');
      } finally {
        await closed.dispose();
      }
    });
  });
}
