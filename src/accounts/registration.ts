import type { Kysely } from 'kysely';
import type { Ctx } from '../core/context.ts';
import type { Database } from '../store/schema.ts';
import { Problem, conflict } from '../core/errors.ts';
import { instant } from '../core/clock.ts';
import { uuidv7 } from '../core/ids.ts';
import { isUniqueViolation } from '../store/errors.ts';
import { parseInput, signUpInput, toMe, type Me, type SignUpInput } from './model.ts';
import { hashPassword } from './passwords.ts';
import { endSession, openSession, type NewSession } from './sessions.ts';

export type NewAccount = SignUpInput & { isAdmin?: boolean };

const handleTaken = (): Problem => conflict('handle_taken', 'Someone already uses that handle', { handle: 'Already taken' });

/** An account made by the CLI or the admin setup: open sign-up does not apply. */
export async function createAccount(ctx: Ctx, input: NewAccount): Promise<Me> {
  const { isAdmin = false, ...fields } = input;
  const data = parseInput(signUpInput, fields);
  await ensureHandleFree(ctx.db, data.handle);
  const passwordHash = await hashPassword(data.password);
  return insertAccount(ctx, { ...data, passwordHash, isAdmin });
}

/**
 * Self-service sign-up: the account and its first session commit together. A session the
 * browser already had is closed, as at log-in.
 */
export async function signUp(ctx: Ctx, input: SignUpInput, replacing: string | null = null): Promise<NewSession> {
  if (!ctx.config.signupOpen) throw new Problem(403, 'signup_closed', 'This server is not taking new accounts');
  const data = parseInput(signUpInput, input);
  await ensureHandleFree(ctx.db, data.handle);
  const passwordHash = await hashPassword(data.password);
  return ctx.db.transaction().execute(async (trx) => {
    const me = await insertAccount({ ...ctx, db: trx }, { ...data, passwordHash, isAdmin: false });
    if (replacing) await endSession({ ...ctx, db: trx }, replacing);
    return openSession({ ...ctx, db: trx }, me);
  });
}

/** Fails fast before the slow password hash; insertAccount still catches the race. */
async function ensureHandleFree(db: Kysely<Database>, handle: string): Promise<void> {
  const taken = await db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst();
  if (taken) throw handleTaken();
}

interface AccountRecord {
  handle: string;
  passwordHash: string;
  email?: string | undefined;
  displayName?: string | undefined;
  isAdmin: boolean;
}

/** Inserts a checked account; `ctx.db` may be a transaction. */
export async function insertAccount(ctx: Ctx, record: AccountRecord): Promise<Me> {
  const now = instant(ctx.clock.now());
  const row = {
    id: uuidv7(ctx.clock.now().getTime()),
    handle: record.handle,
    display_name: record.displayName || record.handle,
    bio: '',
    languages: '[]',
    email: record.email ?? null,
    password_hash: record.passwordHash,
    is_admin: record.isAdmin ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.insertInto('users').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw handleTaken();
    throw err;
  }
  return toMe(row);
}
