import { Command } from 'commander';
import { createAccessToken, createAccount, findUserByHandle, resetPassword } from '../accounts/service.ts';
import { readNewPassword } from './password.ts';
import { CliError, cliCtx, configFrom, note, out, withStore } from './runtime.ts';

const passwordHelp = `
The password is asked twice at a hidden prompt when you run this in a terminal. In a
script, pipe it on standard input or name a file whose first line is the password
(--password-file), so it never appears in the process list or shell history.`;

export function userCommand(): Command {
  const user = new Command('user').description('create people, reset passwords and make access tokens');
  user.addHelpText(
    'after',
    `
Examples:
  $ npx blossom user create river --admin
  $ npx blossom user reset-password river
  $ npx blossom user token river --name backup-script`,
  );

  user
    .command('create')
    .description('create an account or an administrator')
    .argument('<handle>', '3-30 characters: a-z, 0-9 and _')
    .option('--admin', 'make this person an administrator of the instance')
    .option('--email <email>', 'an email address (optional; Blossom works without one)')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .addHelpText(
      'after',
      `${passwordHelp}

Examples:
  $ npx blossom user create river --admin
  $ printf '%s\\n' "$PASSWORD" | npx blossom user create sam --email sam@example.org
  $ npx blossom user create sam --password-file /run/secrets/sam`,
    )
    .action(async (handle: string, opts: { admin?: boolean; email?: string; passwordFile?: string }) => {
      const config = configFrom();
      const password = await readNewPassword(opts.passwordFile);
      const me = await withStore(config, (store) =>
        createAccount(cliCtx(store, config), {
          handle,
          password,
          isAdmin: opts.admin === true,
          ...(opts.email !== undefined ? { email: opts.email } : {}),
        }),
      );
      out(`Created ${me.isAdmin ? 'administrator' : 'account'} "${me.handle}". They can log in now.`);
    });

  user
    .command('reset-password')
    .description('set a new password for someone')
    .argument('<handle>', 'whose password to reset')
    .option('--password-file <file>', 'read the new password from the first line of this file')
    .addHelpText(
      'after',
      `
For someone who lost their password: all their sessions are logged out too.
${passwordHelp}

Example:
  $ npx blossom user reset-password river`,
    )
    .action(async (handle: string, opts: { passwordFile?: string }) => {
      const config = configFrom();
      await withStore(config, async (store) => {
        const ctx = cliCtx(store, config);
        // Checked before asking for a password, so a typo in the handle costs nothing.
        if (!(await findUserByHandle(ctx, handle.toLowerCase()))) throw new CliError(`There is no account with the handle "${handle}".`);
        const password = await readNewPassword(opts.passwordFile);
        await resetPassword(ctx, handle.toLowerCase(), password);
      });
      out(`New password set for "${handle.toLowerCase()}"; their other sessions were logged out.`);
    });

  user
    .command('token')
    .description('make a personal API access token')
    .argument('<handle>', 'whose token it is; it acts with their rights')
    .requiredOption('--name <name>', 'what the token is for, so it can be recognized and revoked later')
    .addHelpText(
      'after',
      `
The token alone goes to standard output, so a script can capture it. It is shown only
this once; Blossom keeps just a hash. Send it as "Authorization: Bearer <token>".
Revoke it in the web settings under "Access tokens".

Example:
  $ TOKEN=$(npx blossom user token river --name calendar-sync)`,
    )
    .action(async (handle: string, opts: { name: string }) => {
      const config = configFrom();
      const created = await withStore(config, async (store) => {
        const me = await findUserByHandle(cliCtx(store, config), handle.toLowerCase());
        if (!me) throw new CliError(`There is no account with the handle "${handle}".`);
        const actor = { userId: me.id, handle: me.handle, isAdmin: me.isAdmin };
        return createAccessToken(cliCtx(store, config, actor), opts.name);
      });
      note(`Access token "${created.name}" for ${handle.toLowerCase()} (shown once, store it now):`);
      out(created.token);
    });

  return user;
}
