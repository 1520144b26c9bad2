import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cachingDatabase } from './statement-cache.ts';

function numbers(): SQLite.Database {
  const database = new SQLite(':memory:');
  database.exec('create table n (v integer); insert into n values (1), (2), (3)');
  return database;
}

describe('statement cache', () => {
  it('prepares each SQL text once and hands back the same statement', () => {
    const database = numbers();
    let prepared = 0;
    const original = database.prepare.bind(database);
    database.prepare = ((text: string) => (prepared++, original(text))) as typeof database.prepare;
    const cache = cachingDatabase(database);
    const first = cache.prepare('select v from n where v = ?');
    assert.equal(cache.prepare('select v from n where v = ?'), first);
    assert.deepEqual(first.all([2]), [{ v: 2 }]);
    assert.equal(prepared, 1);
    cache.close();
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = cachingDatabase(numbers(), 2);
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    cache.prepare('select 1'); // a is now the most recent
    cache.prepare('select 3'); // evicts b
    assert.equal(cache.cached, 2);
    assert.equal(cache.prepare('select 1'), a);
    assert.notEqual(cache.prepare('select 2'), b);
    cache.close();
  });

  it('gives a fresh statement while the cached one is being iterated', () => {
    const cache = cachingDatabase(numbers());
    const text = 'select v from n order by v';
    const streaming = cache.prepare(text).iterate([]);
    assert.deepEqual(streaming.next().value, { v: 1 });
    // The cached statement is busy; running it again would throw "This statement is busy executing".
    assert.deepEqual(cache.prepare(text).all([]), [{ v: 1 }, { v: 2 }, { v: 3 }]);
    assert.deepEqual([...streaming], [{ v: 2 }, { v: 3 }]);
    cache.close();
  });

  it('serves Kysely through its SQLite dialect', async () => {
    const db = new Kysely<{ n: { v: number } }>({ dialect: new SqliteDialect({ database: cachingDatabase(numbers()) }) });
    for (let i = 0; i < 2; i++) assert.deepEqual(await sql<{ v: number }>`select v from n where v > ${1} order by v`.execute(db).then((r) => r.rows), [{ v: 2 }, { v: 3 }]);
    const streamed: number[] = [];
    for await (const row of db.selectFrom('n').select('v').orderBy('v').stream()) streamed.push(row.v);
    assert.deepEqual(streamed, [1, 2, 3]);
    assert.deepEqual((await db.selectFrom('n').select('v').orderBy('v').execute()).map((r) => r.v), [1, 2, 3]);
    await db.destroy();
  });
});
