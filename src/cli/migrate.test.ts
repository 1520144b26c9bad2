import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { instance, postgresInstance } from '../../test/support/cli.ts';

describe('blossom migrate on SQLite', () => {
  const blossom = instance();
  after(() => blossom.dispose());

  it('applies the migrations to a fresh data dir, then has nothing left to do', async () => {
    const first = await blossom.run(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied 0001_foundation/);
    assert.match(first.stdout, /SQLite at .*blossom\.sqlite/);

    const db = blossom.sqlite();
    const tables = db.prepare("select name from sqlite_master where type = 'table'").pluck().all();
    db.close();
    assert.ok(tables.includes('users'));

    const again = await blossom.run(['migrate']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already up to date/);
  });
});

describe('blossom migrate on PostgreSQL', async () => {
  const { blossom, schema, skip } = await postgresInstance();
  after(() => blossom.dispose());

  it('applies the migrations into the configured schema', { skip }, async () => {
    const first = await blossom.run(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied 0001_foundation/);
    assert.match(first.stdout, new RegExp(`schema "${schema}"`));
    const again = await blossom.run(['migrate']);
    assert.match(again.stdout, /already up to date/);
  });
});
