import type { Kysely } from 'kysely';
import { dialectOf } from '../store/dialect/geo.ts';
import { GroupCommit } from '../store/group-commit.ts';
import { prepared } from '../store/prepared.ts';
import type { Database } from '../store/schema.ts';

/**
 * Writing check-ins durably. On SQLite every commit is an fsync (synchronous=FULL), and a
 * crowd at a staging point checks in by the thousand a minute: marks arriving together share
 * one transaction (store/group-commit.ts), and each phone is answered only once it is on disk.
 * PostgreSQL groups concurrent commits itself, so there each mark commits on its own.
 */
interface Mark {
  rsvpId: string;
  at: string;
}

const setOnce = prepared(2, (db, rsvpId: string, at: string) =>
  db.updateTable('rsvps').set({ checked_in_at: at }).where('id', '=', rsvpId).where('checked_in_at', 'is', null).returning('checked_in_at'));
const storedMark = prepared(1, (db, rsvpId: string) => db.selectFrom('rsvps').select('checked_in_at').where('id', '=', rsvpId));

/** Per mark: the stored instant (the first one, if it was set before), or null if the RSVP is gone. */
async function writeMarks(db: Kysely<Database>, marks: readonly Mark[]): Promise<(string | null)[]> {
  const stored: (string | null)[] = [];
  for (const { rsvpId, at } of marks) {
    const [set] = await setOnce(db, rsvpId, at);
    const [row] = set ? [set] : await storedMark(db, rsvpId);
    stored.push(row?.checked_in_at ?? null);
  }
  return stored;
}

const batches = new WeakMap<Kysely<Database>, GroupCommit<Mark, string | null>>();

/** Sets checked_in_at once; a second check-in keeps the first instant. Resolves once committed. */
export async function markPresent(db: Kysely<Database>, rsvpId: string, at: string): Promise<string | null> {
  if (db.isTransaction || dialectOf(db) !== 'sqlite') return (await writeMarks(db, [{ rsvpId, at }]))[0] ?? null;
  let batch = batches.get(db);
  if (batch === undefined) {
    batch = new GroupCommit((marks) => db.transaction().execute((trx) => writeMarks(trx, marks)));
    batches.set(db, batch);
  }
  return batch.submit({ rsvpId, at });
}
