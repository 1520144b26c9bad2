import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, Caller, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { hashToken } from '../core/ids.ts';
import { adminSetupLink } from './setup.ts';

const password = 'a long enough passphrase';
const hour = 60 * 60 * 1000;

for (const dialect of dialects) {
  describe(`first-admin setup on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    before(async () => {
      if (!skip) t = await testApp(dialect);
    });
    after(async () => t?.dispose());

    const tokenOf = (link: string | null) => {
      assert.ok(link);
      const match = /^https:\/\/blossom\.example\/setup\/([\w-]{43})$/.exec(link);
      assert.ok(match, link);
      return match[1]!;
    };

    it('claims a one-time link once, making a logged-in admin', { skip }, async () => {
      const stale = tokenOf(await adminSetupLink(t.ctx(), 'https://blossom.example/'));
      const token = tokenOf(await adminSetupLink(t.ctx(), 'https://blossom.example'));
      assert.notEqual(stale, token);
      const stored = await t.fixture.store.db.selectFrom('instance_settings').select('value').execute();
      assert.equal(stored.length, 1);
      assert.ok(!stored[0]!.value.includes(token), 'only the hash is stored');
      assert.ok(stored[0]!.value.includes(hashToken(token)));

      const c = new Caller(t.app);
      const old = await c.call('POST', '/api/v1/setup/admin', { token: stale, handle: 'first_admin', password });
      assert.equal(old.status, 404, 'a newer start replaced the older link');
      const res = await c.call('POST', '/api/v1/setup/admin', { token, handle: 'First_Admin', password });
      assert.equal(res.status, 201);
      assert.equal(res.body.user.handle, 'first_admin');
      assert.equal(res.body.user.isAdmin, true);
      c.csrf = res.body.csrfToken;
      assert.equal((await c.call('GET', '/api/v1/me')).body.isAdmin, true);

      const again = await new Caller(t.app).call('POST', '/api/v1/setup/admin', { token, handle: 'second_admin', password });
      assert.equal(again.status, 404);
      assert.equal(again.body.code, 'not_found');
      assert.equal(await adminSetupLink(t.ctx(), 'https://blossom.example'), null);
      assert.equal((await t.fixture.store.db.selectFrom('instance_settings').select('key').execute()).length, 0);
    });

    it('refuses wrong and expired tokens with 404, and validates the account fields', { skip }, async () => {
      const fresh = await testApp(dialect);
      try {
        const token = tokenOf(await adminSetupLink(fresh.ctx(), 'https://blossom.example'));
        const c = new Caller(fresh.app);
        assert.equal((await c.call('POST', '/api/v1/setup/admin', { token: 'x'.repeat(43), handle: 'boss', password })).status, 404);
        const bad = await c.call('POST', '/api/v1/setup/admin', { token, handle: 'b', password: 'short' });
        assert.equal(bad.status, 422);
        assert.ok(bad.body.fields.handle && bad.body.fields.password);
        fresh.clock.advance(25 * hour);
        assert.equal((await c.call('POST', '/api/v1/setup/admin', { token, handle: 'boss', password })).status, 404);
        assert.equal((await fresh.fixture.store.db.selectFrom('users').select('id').execute()).length, 0);
      } finally {
        await fresh.dispose();
      }
    });
  });
}
