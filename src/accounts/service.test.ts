import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { Problem } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import type { Ctx } from '../core/context.ts';
import { dummyHash, hashPassword } from './passwords.ts';
import { actorForSession } from './authn.ts';
import {
  changePassword, createAccessToken, createAccount, findUserByHandle, getUser, listAccessTokens, logIn,
  resetPassword, revokeAccessToken, signUp, updateProfile,
} from './service.ts';

const password = 'a long enough passphrase';

/** Asserts that a promise fails with a Problem of this status and code, and returns it. */
async function problem(promise: Promise<unknown>, status: number, code: string): Promise<Problem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  assert.ok(err instanceof Problem, `expected a ${code} problem, got ${String(err)}`);
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  return err;
}

function as(t: TestApp, me: { id: string; handle: string; isAdmin: boolean }): Ctx {
  return t.ctx({ userId: me.id, handle: me.handle, isAdmin: me.isAdmin });
}

it('hashes with Argon2id at the same cost as the dummy hash used for unknown handles', async () => {
  const real = await hashPassword(password);
  const params = (h: string) => h.split('$').slice(1, 4).join('$');
  assert.equal(params(real), 'argon2id$v=19$m=19456,t=2,p=1');
  assert.equal(params(dummyHash), params(real));
});

for (const dialect of dialects) {
  describe(`accounts service on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    before(async () => {
      if (!skip) t = await testApp(dialect);
    });
    after(async () => t?.dispose());

    it('creates an account with a lower-cased handle and defaults', { skip }, async () => {
      const me = await createAccount(t.ctx(), { handle: 'River_07', password, email: 'river@example.org' });
      assert.equal(me.handle, 'river_07');
      assert.equal(me.displayName, 'river_07');
      assert.equal(me.email, 'river@example.org');
      assert.equal(me.isAdmin, false);
      assert.deepEqual(me.languages, []);
      assert.deepEqual(await findUserByHandle(t.ctx(), 'RIVER_07'), me);
      const row = await t.fixture.store.db.selectFrom('users').select('password_hash').where('id', '=', me.id).executeTakeFirstOrThrow();
      assert.notEqual(row.password_hash, password);
      assert.match(row.password_hash, /^\$argon2id\$/);
    });

    it('refuses a taken handle, whatever its case, with 409 handle_taken', { skip }, async () => {
      await createAccount(t.ctx(), { handle: 'taken', password });
      const err = await problem(createAccount(t.ctx(), { handle: 'TAKEN', password }), 409, 'handle_taken');
      assert.ok(err.fields?.handle);
    });

    it('validates every field and writes nothing on failure', { skip }, async () => {
      const before = await t.fixture.store.db.selectFrom('users').select('id').execute();
      const err = await problem(
        createAccount(t.ctx(), { handle: 'x!', password: 'short', email: 'nope', displayName: 'd'.repeat(81) }),
        422,
        'invalid_input',
      );
      assert.deepEqual(Object.keys(err.fields ?? {}).sort(), ['displayName', 'email', 'handle', 'password']);
      const after = await t.fixture.store.db.selectFrom('users').select('id').execute();
      assert.equal(after.length, before.length);
    });

    it('answers bad_credentials alike for an unknown handle and a wrong password', { skip }, async () => {
      await createAccount(t.ctx(), { handle: 'lin', password });
      const unknown = await problem(logIn(t.ctx(), { handle: 'nobody_here', password }), 401, 'bad_credentials');
      const wrong = await problem(logIn(t.ctx(), { handle: 'lin', password: 'not the passphrase' }), 401, 'bad_credentials');
      assert.deepEqual(unknown.toJSON(), wrong.toJSON());
      const session = await logIn(t.ctx(), { handle: 'LIN', password });
      assert.equal(session.me.handle, 'lin');
    });

    it('stores only the hash of the session cookie, and replaces a session on log-in', { skip }, async () => {
      const first = await signUp(t.ctx(), { handle: 'hashed_cookie', password });
      const sessions = () => t.fixture.store.db.selectFrom('sessions').select('id').where('user_id', '=', first.me.id).execute();
      assert.deepEqual((await sessions()).map((r) => r.id), [hashToken(first.cookieValue)]);
      const second = await logIn(t.ctx(), { handle: 'hashed_cookie', password }, hashToken(first.cookieValue));
      assert.deepEqual((await sessions()).map((r) => r.id), [hashToken(second.cookieValue)]);
    });

    it('lets exactly one of two simultaneous sign-ups take a handle', { skip }, async () => {
      const results = await Promise.allSettled([
        signUp(t.ctx(), { handle: 'contested', password }),
        signUp(t.ctx(), { handle: 'contested', password: 'another long passphrase' }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const failure = results.find((r) => r.status === 'rejected');
      assert.ok(failure?.reason instanceof Problem && failure.reason.code === 'handle_taken', String(failure?.reason));
      const rows = await t.fixture.store.db.selectFrom('users').select('id').where('handle', '=', 'contested').execute();
      assert.equal(rows.length, 1);
    });

    it('refuses self-service sign-up when closed, but the CLI can still create accounts', { skip }, async () => {
      const closed: Ctx = { ...t.ctx(), config: { ...t.config, signupOpen: false } };
      await problem(signUp(closed, { handle: 'latecomer', password }), 403, 'signup_closed');
      assert.equal((await createAccount(closed, { handle: 'latecomer', password })).handle, 'latecomer');
    });

    it('updates the profile, falling back to the handle for an empty name', { skip }, async () => {
      const me = await createAccount(t.ctx(), { handle: 'profiled', password });
      const updated = await updateProfile(as(t, me), { displayName: ' Profi ', bio: 'Gardens.', languages: ['en', 'pt-BR', 'en'], email: 'p@example.org' });
      assert.equal(updated.displayName, 'Profi');
      assert.deepEqual(updated.languages, ['en', 'pt-BR']);
      const cleared = await updateProfile(as(t, me), { displayName: '', email: null });
      assert.equal(cleared.displayName, 'profiled');
      assert.equal(cleared.email, null);
      assert.deepEqual(await getUser(t.ctx(), 'profiled'), {
        handle: 'profiled', displayName: 'profiled', bio: 'Gardens.', languages: ['en', 'pt-BR'], createdAt: me.createdAt,
      });
      await problem(updateProfile(as(t, me), { languages: ['english!'] }), 422, 'invalid_input');
    });

    it('changing the password keeps the current session and ends the others', { skip }, async () => {
      const first = await signUp(t.ctx(), { handle: 'changer', password });
      const second = await logIn(t.ctx(), { handle: 'changer', password });
      const ctx = as(t, first.me);
      const keep = hashToken(first.cookieValue);
      const err = await problem(changePassword(ctx, { currentPassword: 'wrong password', newPassword: 'another passphrase' }, keep), 422, 'wrong_password');
      assert.ok(err.fields?.currentPassword);
      await changePassword(ctx, { currentPassword: password, newPassword: 'another passphrase' }, keep);
      const now = t.clock.now();
      assert.ok(await actorForSession(t.fixture.store.db, first.cookieValue, now));
      assert.equal(await actorForSession(t.fixture.store.db, second.cookieValue, now), null);
      await problem(logIn(t.ctx(), { handle: 'changer', password }), 401, 'bad_credentials');
      await logIn(t.ctx(), { handle: 'changer', password: 'another passphrase' });
    });

    it('resetting a password ends every session', { skip }, async () => {
      const session = await signUp(t.ctx(), { handle: 'forgetful', password });
      await problem(resetPassword(t.ctx(), 'forgetful', 'short'), 422, 'invalid_input');
      await problem(resetPassword(t.ctx(), 'nobody_at_all', 'a fresh passphrase'), 404, 'not_found');
      await resetPassword(t.ctx(), 'Forgetful', 'a fresh passphrase');
      assert.equal(await actorForSession(t.fixture.store.db, session.cookieValue, t.clock.now()), null);
      await logIn(t.ctx(), { handle: 'forgetful', password: 'a fresh passphrase' });
    });

    it('makes, lists and revokes access tokens; others cannot revoke them', { skip }, async () => {
      const owner = await createAccount(t.ctx(), { handle: 'token_owner', password });
      const other = await createAccount(t.ctx(), { handle: 'token_other', password });
      const made = await createAccessToken(as(t, owner), '  backup script ');
      assert.equal(made.name, 'backup script');
      const stored = await t.fixture.store.db.selectFrom('access_tokens').select('token_hash').where('id', '=', made.id).executeTakeFirstOrThrow();
      assert.equal(stored.token_hash, hashToken(made.token));
      assert.deepEqual((await listAccessTokens(as(t, owner))).map((x) => x.name), ['backup script']);
      assert.deepEqual(await listAccessTokens(as(t, other)), []);
      await problem(revokeAccessToken(as(t, other), made.id), 404, 'not_found');
      await revokeAccessToken(as(t, owner), made.id);
      assert.deepEqual(await listAccessTokens(as(t, owner)), []);
      await problem(createAccessToken(as(t, owner), ''), 422, 'invalid_input');
      await problem(createAccessToken(t.ctx(), 'no actor'), 401, 'unauthenticated');
    });
  });
}
