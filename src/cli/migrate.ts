import { Command } from 'commander';
import { configFrom, describeDatabase, openStoreFor, out } from './runtime.ts';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (serve does this too)')
    .addHelpText(
      'after',
      `
Safe to run any number of times: only migrations not yet applied run. Back up first
when upgrading (see "npx blossom backup --help").

Examples:
  $ npx blossom migrate
  $ BLOSSOM_DATABASE_URL=postgres://blossom@db.internal/blossom npx blossom migrate`,
    )
    .action(async () => {
      const config = configFrom();
      const store = await openStoreFor(config);
      try {
        const applied = await store.migrate();
        if (!applied.length) {
          out(`The ${describeDatabase(config)} is already up to date.`);
          return;
        }
        out(`Migrated the ${describeDatabase(config)}:`);
        for (const name of applied) out(`  applied ${name}`);
      } finally {
        await store.close();
      }
    });
}
