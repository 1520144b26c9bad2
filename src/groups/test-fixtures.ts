import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Actor } from '../core/context.ts';
import { Problem } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../store/schema.ts';
import type { NewGroup, Role } from './model.ts';

/**
 * A person written straight into `users`, so service tests need neither sign-up nor a
 * password hash (they never log in).
 */
export async function insertPerson(db: Kysely<Database>, handle: string): Promise<Actor> {
  const now = instant(new Date());
  const id = uuidv7();
  await db
    .insertInto('users')
    .values({
      id,
      handle,
      display_name: handle.toUpperCase(),
      bio: '',
      languages: '[]',
      email: null,
      password_hash: 'not-a-hash',
      is_admin: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { userId: id, handle, isAdmin: false };
}

export const openGroup = (name: string, extra: Partial<NewGroup> = {}): NewGroup => ({
  name,
  kind: 'affinity',
  visibility: 'public',
  joinPolicy: 'open',
  ...extra,
});

/** Puts someone in a group directly, skipping join rules the test is not about. */
export async function addToGroup(db: Kysely<Database>, slug: string, person: Actor, role: Role = 'member'): Promise<void> {
  const group = await db.selectFrom('groups').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  await db.insertInto('memberships').values({ group_id: group.id, user_id: person.userId, role, created_at: instant(new Date()) }).execute();
}

/** Asserts the promise fails with a Problem of this status and code, and returns it. */
export async function refused(promise: Promise<unknown>, status: number, code: string): Promise<Problem> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Problem, `expected a Problem, got ${String(err)}`);
    assert.deepEqual([err.status, err.code], [status, code], JSON.stringify(err.toJSON()));
    return err;
  }
  assert.fail(`expected ${status} ${code}, but it succeeded`);
}
