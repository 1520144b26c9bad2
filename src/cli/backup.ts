import { Command } from 'commander';
import SQLite from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { CliError, configFrom, out, postgresTarget } from './runtime.ts';

export function backupCommand(): Command {
  return new Command('backup')
    .description('make a consistent backup, even while Blossom runs')
    .option('--out <file>', 'where to write the copy (default: <data dir>/backups/blossom-<time>.sqlite)')
    .addHelpText(
      'after',
      `
SQLite: writes a consistent copy, readable by sqlite3, even while the server runs.
PostgreSQL: prints the pg_dump and pg_restore commands for your database instead.
Either way, keep a copy of the data directory's master.key too, separately and secretly.

Examples:
  $ npx blossom backup
  $ npx blossom backup --out /mnt/usb/blossom-$(date +%F).sqlite`,
    )
    .action(async (opts: { out?: string }) => {
      const config = configFrom();
      if (config.databaseUrl) {
        postgresGuidance(config);
      } else {
        await backupSqlite(config, opts.out ?? defaultBackupPath(config));
      }
      masterKeyReminder(config);
    });
}

function defaultBackupPath(config: Config): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  return join(config.dataDir, 'backups', `blossom-${stamp}.sqlite`);
}

async function backupSqlite(config: Config, outPath: string): Promise<void> {
  const target = resolve(outPath);
  if (!existsSync(config.sqlitePath)) {
    throw new CliError(`There is no database at ${config.sqlitePath} yet; start Blossom or run "npx blossom migrate" first.`);
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  try {
    // Created empty and private before SQLite fills it: the copy holds password hashes and emails.
    closeSync(openSync(target, 'wx', 0o600));
  } catch (err) {
    const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
    throw new CliError(exists ? `${target} already exists; choose another --out file.` : `Cannot write ${target}: ${(err as Error).message}`);
  }

  // A connection of its own, so the running server's writes continue while pages are copied.
  const source = new SQLite(config.sqlitePath, { readonly: true, fileMustExist: true });
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'Backing up [{bar}] {percentage}% | {value}/{total} pages', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  try {
    await source.backup(target, {
      progress({ totalPages, remainingPages }) {
        if (bar && !bar.isActive) bar.start(totalPages, 0);
        bar?.setTotal(totalPages);
        bar?.update(totalPages - remainingPages);
        // A write by the server between steps restarts the copy, so take few, large steps.
        return Math.max(1000, Math.ceil(totalPages / 20));
      },
    });
  } catch (err) {
    rmSync(target, { force: true });
    throw new CliError(`The backup failed and was removed: ${(err as Error).message}`);
  } finally {
    // The last callback comes before the last step, so the bar is filled by hand.
    bar?.update(bar.getTotal());
    bar?.stop();
    source.close();
  }
  out(`Backup written to ${target}`);
  out(`  ${verify(target)}`);
}

/**
 * Opens the copy as a restore would, so a broken backup is noticed today rather than on
 * the bad day, and turns off WAL in it so the backup is one self-contained file.
 */
function verify(path: string): string {
  const copy = new SQLite(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CliError(`The backup at ${path} failed its integrity check: ${String(check)}`);
    const count = (table: string) => (copy.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return `checked: ${count('users')} accounts, ${count('groups')} groups`;
  } finally {
    copy.close();
  }
}

function postgresGuidance(config: Config): void {
  const db = postgresTarget(config.databaseUrl!);
  const connection = [`--host=${db.host}`, `--port=${db.port}`, ...(db.user ? [`--username=${db.user}`] : []), `--dbname=${db.database}`].join(' ');
  const schema = config.databaseSchema ? ` --schema=${config.databaseSchema}` : '';
  const file = `blossom-$(date +%Y-%m-%dT%H%M).dump`;
  out(`Blossom stores its data in PostgreSQL: database "${db.database}" on ${db.host}:${db.port}${config.databaseSchema ? `, schema "${config.databaseSchema}"` : ''}.`);
  out('Back it up with pg_dump, which takes a consistent snapshot while Blossom keeps running:');
  out('');
  out(`  pg_dump --format=custom ${connection}${schema} --file=${file}`);
  out('');
  out('Restore into a stopped Blossom with pg_restore (it replaces what is there):');
  out('');
  out(`  pg_restore --clean --if-exists --no-owner ${connection} blossom-YYYY-MM-DDTHHMM.dump`);
  out('');
  out('Give the password through ~/.pgpass or PGPASSWORD; it is not printed here.');
}

/** On standard output with the rest, so a nightly cron job can silence it and still mail errors. */
function masterKeyReminder(config: Config): void {
  const fromEnv = Boolean(process.env.BLOSSOM_MASTER_SECRET || process.env.BLOSSOM_MASTER_SECRET_FILE);
  const where = fromEnv ? 'the master secret you give in BLOSSOM_MASTER_SECRET(_FILE)' : join(config.dataDir, 'master.key');
  out('');
  out(`IMPORTANT: a restore also needs ${where}; without it this backup is useless.`);
  out('Copy it too, separately from the backup, and keep it secret: anyone holding both can read');
  out('everything. Store it once somewhere safe (a password manager, a sealed USB stick).');
}
