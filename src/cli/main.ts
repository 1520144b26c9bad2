import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { backupCommand } from './backup.ts';
import { demoCommand } from './demo.ts';
import { migrateCommand } from './migrate.ts';
import { describeFailure } from './report.ts';
import { serveCommand } from './serve.ts';
import { userCommand } from './user.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function program(): Command {
  const blossom = new Command('blossom')
    .description('Blossom: run a server where people organize without bosses')
    .version(version, '-v, --version', 'print the version')
    .addHelpText(
      'after',
      `
Settings are environment variables such as PORT, BLOSSOM_DATA_DIR and
BLOSSOM_DATABASE_URL; see docs/operating.md. Each command has its own --help.

Examples:
  $ npx blossom serve
  $ npx blossom user create river --admin
  $ npx blossom backup`,
    )
    .addCommand(serveCommand())
    .addCommand(migrateCommand())
    .addCommand(userCommand())
    .addCommand(backupCommand())
    .addCommand(demoCommand());
  showHintEverywhere(blossom);
  return blossom;
}

function showHintEverywhere(command: Command): void {
  command.showHelpAfterError('(add --help to see usage and examples)');
  for (const sub of command.commands) showHintEverywhere(sub);
}

try {
  await program().parseAsync(process.argv);
} catch (err) {
  const failure = describeFailure(err);
  process.stderr.write(failure.text + '\n');
  process.exitCode = failure.exitCode;
}
