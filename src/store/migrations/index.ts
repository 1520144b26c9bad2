import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './0001_foundation.ts';
import * as jobs from './0002_jobs.ts';
import * as actions from './0003_actions.ts';
import * as aid from './0004_aid.ts';

/** Listed by hand so the bundle of migrations is fixed at build time and ordered by name. */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_jobs': jobs,
  '0003_actions': actions,
  '0004_aid': aid,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
