import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { instance, postgresInstance, queryPostgres } from '../../test/support/cli.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { hashToken } from '../core/ids.ts';

describe('blossom user', () => {
  const blossom = instance();
  after(() => blossom.dispose());

  const row = (handle: string) => {
    const db = blossom.sqlite();
    try {
      return db.prepare('select id, handle, email, is_admin, password_hash from users where handle = ?').get(handle) as
        | { id: string; handle: string; email: string | null; is_admin: number; password_hash: string }
        | undefined;
    } finally {
      db.close();
    }
  };

  it('creates an administrator with the password piped on stdin, on a fresh data dir', async () => {
    const res = await blossom.run(['user', 'create', 'River', '--admin', '--email', 'river@example.org'], { input: 'first passphrase\n' });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Created administrator "river"/);
    const river = row('river');
    assert.equal(river?.is_admin, 1);
    assert.equal(river?.email, 'river@example.org');
    assert.ok(await verifyPassword(river!.password_hash, 'first passphrase'), 'the trailing newline is not part of the password');
  });

  it('reads the password from --password-file', async () => {
    const file = join(blossom.dataDir, 'sam.pw');
    writeFileSync(file, 'sams passphrase here\n');
    const res = await blossom.run(['user', 'create', 'sam', '--password-file', file]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Created account "sam"/);
    assert.equal(row('sam')?.is_admin, 0);
    assert.ok(await verifyPassword(row('sam')!.password_hash, 'sams passphrase here'));
  });

  it('prints the problem and its fields for bad input, and exits non-zero', async () => {
    const res = await blossom.run(['user', 'create', 'x!', '--email', 'nope'], { input: 'short\n' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^Error: .*\(invalid_input\)$/m);
    assert.match(res.stderr, /^ {2}handle: /m);
    assert.match(res.stderr, /^ {2}password: /m);
    assert.match(res.stderr, /^ {2}email: /m);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace for bad input');
  });

  it('refuses a handle that is taken', async () => {
    const res = await blossom.run(['user', 'create', 'river'], { input: 'another passphrase\n' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /\(handle_taken\)/);
    assert.match(res.stderr, /handle: /);
  });

  it('refuses to create an account without a password', async () => {
    const res = await blossom.run(['user', 'create', 'nopass']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /No password given/);
    assert.equal(row('nopass'), undefined);
  });

  it('resets a password', async () => {
    const res = await blossom.run(['user', 'reset-password', 'river'], { input: 'second passphrase\n' });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /New password set for "river"/);
    const river = row('river')!;
    assert.ok(await verifyPassword(river.password_hash, 'second passphrase'));
    assert.equal(await verifyPassword(river.password_hash, 'first passphrase'), false);
  });

  it('says so when resetting the password of nobody', async () => {
    const res = await blossom.run(['user', 'reset-password', 'ghost'], { input: 'whatever passphrase\n' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /no account with the handle "ghost"/);
  });

  it('prints a personal access token once, alone on stdout, and keeps only its hash', async () => {
    const res = await blossom.run(['user', 'token', 'river', '--name', 'calendar sync']);
    assert.equal(res.code, 0, res.stderr);
    const token = res.stdout.trim();
    assert.match(token, /^[\w-]{20,}$/);
    assert.match(res.stderr, /shown once/);
    const db = blossom.sqlite();
    const stored = db.prepare('select name, token_hash from access_tokens where user_id = ?').get(row('river')!.id);
    db.close();
    assert.deepEqual(stored, { name: 'calendar sync', token_hash: hashToken(token) });
  });

  it('requires a name for a token', async () => {
    const res = await blossom.run(['user', 'token', 'river']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /--name/);
  });
});

describe('blossom user on PostgreSQL', async () => {
  const { blossom, schema, skip } = await postgresInstance();
  after(() => blossom.dispose());

  it('creates an account and resets its password, migrating the fresh schema first', { skip }, async () => {
    const created = await blossom.run(['user', 'create', 'river', '--admin'], { input: 'first passphrase\n' });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /Applied database migrations: 0001_foundation/);
    const reset = await blossom.run(['user', 'reset-password', 'river'], { input: 'second passphrase\n' });
    assert.equal(reset.code, 0, reset.stderr);

    const [river] = await queryPostgres<{ password_hash: string; is_admin: number }>(
      `select password_hash, is_admin from "${schema}".users where handle = 'river'`,
    );
    assert.equal(river?.is_admin, 1);
    assert.ok(await verifyPassword(river!.password_hash, 'second passphrase'));
  });
});
