import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { TestStore } from '../../test/support/stores.ts';

/**
 * For tests: where does any of `needles` sit in the database in plaintext? Reads every
 * column of every table (through the dialect's own catalogue, so a table added later is
 * scanned too) and, on SQLite, the raw bytes of the database file and its WAL.
 */
export async function plaintextSightings(fixture: TestStore, needles: readonly string[]): Promise<string[]> {
  const { db, dialect } = fixture.store;
  const sightings: string[] = [];
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  if (tables.length < 10) throw new Error(`expected the whole schema, found only ${tables.join(', ')}`);
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
        for (const needle of needles) if (text.includes(needle)) sightings.push(`${table}.${column}: ${needle}`);
      }
    }
  }
  if (dialect === 'sqlite') {
    for (const path of [fixture.location, `${fixture.location}-wal`]) {
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) sightings.push(`${path}: ${needle}`);
    }
  }
  return sightings;
}
