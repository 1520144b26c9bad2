import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { instance } from '../../test/support/cli.ts';

describe('blossom backup on SQLite', () => {
  const blossom = instance();
  before(async () => {
    const created = await blossom.run(['user', 'create', 'river'], { input: 'a long enough passphrase\n' });
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => blossom.dispose());

  it('writes a private copy that opens and holds the accounts, and reminds about master.key', async () => {
    const out = join(blossom.dataDir, 'copies', 'tonight.sqlite');
    const res = await blossom.run(['backup', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Backup written to .*tonight\.sqlite/);
    assert.match(res.stdout, /checked: 1 accounts, 0 groups/);
    assert.match(res.stdout, new RegExp(`a restore also needs ${join(blossom.dataDir, 'master.key').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    assert.equal(statSync(out).mode & 0o777, 0o600, 'only the owner may read a backup');
    const copy = new SQLite(out, { readonly: true });
    const handles = copy.prepare('select handle from users').pluck().all();
    copy.close();
    assert.deepEqual(handles, ['river']);
  });

  it('refuses to overwrite an existing file', async () => {
    const out = join(blossom.dataDir, 'copies', 'tonight.sqlite');
    const res = await blossom.run(['backup', '--out', out]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /already exists/);
  });

  it('writes into <data dir>/backups by default', async () => {
    const res = await blossom.run(['backup']);
    assert.equal(res.code, 0, res.stderr);
    const files = readdirSync(join(blossom.dataDir, 'backups'));
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^blossom-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.sqlite$/);
  });

  it('says what to do when there is no database yet', async () => {
    const empty = instance();
    try {
      const res = await empty.run(['backup']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /no database at .* yet/);
      assert.equal(existsSync(join(empty.dataDir, 'backups')), false);
    } finally {
      await empty.dispose();
    }
  });
});

describe('blossom backup on PostgreSQL', () => {
  it('prints pg_dump and pg_restore commands for the configured database, never the password', async () => {
    const blossom = instance({ BLOSSOM_DATABASE_URL: 'postgres://blossom:s3cret-pw@db.internal:6543/city?sslmode=require', BLOSSOM_DATABASE_SCHEMA: 'riverside' });
    try {
      const res = await blossom.run(['backup']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /pg_dump --format=custom --host=db\.internal --port=6543 --username=blossom --dbname=city --schema=riverside --file=/);
      assert.match(res.stdout, /pg_restore .*--host=db\.internal --port=6543 --username=blossom --dbname=city/);
      assert.match(res.stdout, /master\.key/);
      assert.doesNotMatch(res.stdout + res.stderr, /s3cret/);
      assert.doesNotMatch(res.stdout + res.stderr, /sslmode/);
    } finally {
      await blossom.dispose();
    }
  });
});
