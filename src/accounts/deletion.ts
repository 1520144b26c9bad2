import type { Ctx } from '../core/context.ts';
import { prepareAccountDeletion } from '../groups/service.ts';
import { prepareAidAccountDeletion } from '../aid/account-deletion.ts';
import { instant } from '../core/clock.ts';
import { accountDeletion, parseInput } from './model.ts';
import { verifyPassword } from './passwords.ts';
import { ownRow, wrongPassword } from './profile.ts';

/**
 * "Delete my account" leaves nothing behind. The groups capability first settles what the
 * person leaves there (it refuses while they are a group's last coordinator, and removes
 * groups that only they belonged to); then the user row goes, and the foreign keys take
 * sessions, tokens, memberships and join requests with it and blank invitations' creator.
 * All in one transaction, so a refusal leaves the account exactly as it was.
 */
export async function deleteAccount(ctx: Ctx, password: string): Promise<void> {
  const data = parseInput(accountDeletion, { password });
  const row = await ownRow(ctx);
  if (!(await verifyPassword(row.password_hash, data.password))) throw wrongPassword('password');
  await ctx.db.transaction().execute(async (trx) => {
    await prepareAccountDeletion(trx, row.id);
    await prepareAidAccountDeletion(trx, row.id, instant(ctx.clock.now()));
    await trx.deleteFrom('users').where('id', '=', row.id).execute();
  });
}
