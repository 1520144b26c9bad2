import type { Ctx } from '../core/context.ts';
import { notFound } from '../core/errors.ts';
import { addMs, instant } from '../core/clock.ts';
import { hashToken, secretToken } from '../core/ids.ts';
import { adminSetupInput, parseInput } from './model.ts';
import { hashPassword } from './passwords.ts';
import { openSession, type NewSession } from './sessions.ts';
import { insertAccount } from './registration.ts';

/**
 * The first administrator is made through a one-time link printed at start-up, so a fresh
 * server on the open internet cannot be claimed by whoever finds it first.
 */
const settingKey = 'admin_setup';
// Short, because the printed link may end up in service logs; every start prints a new one.
const lifetimeMs = 24 * 60 * 60 * 1000;

interface PendingSetup {
  tokenHash: string;
  expiresAt: string;
}

async function adminExists(ctx: Ctx): Promise<boolean> {
  return !!(await ctx.db.selectFrom('users').select('id').where('is_admin', '=', 1).limit(1).executeTakeFirst());
}

/** A fresh link (replacing any earlier one) while nobody is admin yet; otherwise null. */
export async function adminSetupLink(ctx: Ctx, baseUrl: string): Promise<string | null> {
  if (await adminExists(ctx)) {
    await ctx.db.deleteFrom('instance_settings').where('key', '=', settingKey).execute();
    return null;
  }
  const token = secretToken();
  const pending: PendingSetup = { tokenHash: hashToken(token), expiresAt: instant(addMs(ctx.clock.now(), lifetimeMs)) };
  const value = JSON.stringify(pending);
  await ctx.db
    .insertInto('instance_settings')
    .values({ key: settingKey, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
  return `${baseUrl.replace(/\/$/, '')}/setup/${token}`;
}

/**
 * Claims the link: makes an admin account and logs it in. A wrong, used or expired token
 * answers 404 like any unknown thing. Deleting the pending row first, and checking it was
 * this very row, makes two simultaneous claims produce one admin.
 */
export async function claimAdminSetup(ctx: Ctx, input: { token: string; handle: string; password: string }): Promise<NewSession> {
  const data = parseInput(adminSetupInput, input);
  const pending = await readPending(ctx);
  if (!pending || pending.parsed.tokenHash !== hashToken(data.token) || pending.parsed.expiresAt <= instant(ctx.clock.now())) {
    throw notFound();
  }
  const passwordHash = await hashPassword(data.password);
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .deleteFrom('instance_settings')
      .where('key', '=', settingKey)
      .where('value', '=', pending.raw)
      .executeTakeFirst();
    if (claimed.numDeletedRows !== 1n) throw notFound();
    const tctx = { ...ctx, db: trx };
    if (await adminExists(tctx)) throw notFound();
    const me = await insertAccount(tctx, { handle: data.handle, passwordHash, isAdmin: true });
    return openSession(tctx, me);
  });
}

async function readPending(ctx: Ctx): Promise<{ raw: string; parsed: PendingSetup } | null> {
  const row = await ctx.db.selectFrom('instance_settings').select('value').where('key', '=', settingKey).executeTakeFirst();
  if (!row) return null;
  return { raw: row.value, parsed: JSON.parse(row.value) as PendingSetup };
}
