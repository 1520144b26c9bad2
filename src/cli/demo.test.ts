import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { instance, postgresInstance, queryPostgres } from '../../test/support/cli.ts';
import { verifyPassword } from '../accounts/passwords.ts';

describe('blossom demo', () => {
  const blossom = instance();
  after(() => blossom.dispose());

  const counts = () => {
    const db = blossom.sqlite();
    try {
      const count = (table: string) => db.prepare(`select count(*) from ${table}`).pluck().get() as number;
      return { users: count('users'), groups: count('groups'), memberships: count('memberships'), requests: count('join_requests') };
    } finally {
      db.close();
    }
  };

  it('seeds people and groups on a fresh instance and prints the logins', async () => {
    const res = await blossom.run(['demo']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Log in at http:\/\/localhost:8080\/login as any of demo_ana, demo_ben, demo_chen, demo_dara/);
    const password = /with the password: (\S+)/.exec(res.stdout)?.[1];
    assert.ok(password, 'the password is printed');

    // 3 coordinators + 2 joined the open group + 1 came by invitation; 1 request waits.
    assert.deepEqual(counts(), { users: 4, groups: 3, memberships: 6, requests: 1 });
    const db = blossom.sqlite();
    const hash = db.prepare("select password_hash from users where handle = 'demo_dara'").pluck().get() as string;
    db.close();
    assert.ok(await verifyPassword(hash, password));
  });

  it('changes nothing when run again', async () => {
    const res = await blossom.run(['demo']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /already seeded/);
    assert.deepEqual(counts(), { users: 4, groups: 3, memberships: 6, requests: 1 });
  });
});

describe('blossom demo on PostgreSQL', async () => {
  const { blossom, schema, skip } = await postgresInstance();
  after(() => blossom.dispose());

  it('seeds the same demo', { skip }, async () => {
    const res = await blossom.run(['demo']);
    assert.equal(res.code, 0, res.stderr);
    const [row] = await queryPostgres<{ n: string }>(`select count(*) as n from "${schema}".groups`);
    assert.equal(Number(row?.n), 3);
  });
});
