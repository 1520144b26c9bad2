import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { dialectOf } from './geo.ts';

/**
 * Call after deleting personal data for good. SQLite keeps the page images of earlier
 * commits in its WAL file until a checkpoint resets it, so deleted text would linger on disk
 * even with secure_delete; a TRUNCATE checkpoint writes the latest pages (with the freed bytes
 * zeroed) into the database and empties the WAL. PostgreSQL reclaims dead rows through
 * (auto)vacuum, which is the operator's schedule (docs/operating.md).
 */
export async function flushDeletions(db: Kysely<Database>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
}
