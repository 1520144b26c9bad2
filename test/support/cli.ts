import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { postgresUrl, skipReason } from './stores.ts';

export const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const launcher = fileURLToPath(new URL('../../bin/blossom.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A data directory of its own, as a newcomer's ./data would be. */
export interface Instance {
  dataDir: string;
  env: Record<string, string>;
  /** Runs `blossom <args>` as a real child process against this instance. */
  run(args: string[], opts?: { env?: Record<string, string>; input?: string }): Promise<CliResult>;
  /** Opens the instance's SQLite file read-only, for checking what a command wrote. */
  sqlite(): SQLite.Database;
  dispose(): Promise<void>;
}

/** The parent's environment minus every Blossom setting, so a developer's own settings cannot leak in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(BLOSSOM_|PORT$|HOST$)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

export function spawnCli(args: string[], env: Record<string, string>, script = cliEntry): ChildProcess {
  return spawn(process.execPath, [script, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
}

export function runCli(args: string[], env: Record<string, string>, input = '', script = cliEntry): Promise<CliResult> {
  const child = spawnCli(args, env, script);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function instance(extraEnv: Record<string, string> = {}): Instance {
  const dataDir = mkdtempSync(join(tmpdir(), 'blossom-cli-'));
  const env = { BLOSSOM_DATA_DIR: dataDir, BLOSSOM_LOG_LEVEL: 'error', ...extraEnv };
  return {
    dataDir,
    env,
    run: (args, opts = {}) => runCli(args, { ...env, ...opts.env }, opts.input ?? ''),
    sqlite: () => new SQLite(join(dataDir, 'blossom.sqlite'), { readonly: true, fileMustExist: true }),
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * An instance on the test PostgreSQL, in a schema of its own that is dropped afterwards.
 * `skip` says why not, when PostgreSQL is unreachable off CI (see skipReason).
 */
export async function postgresInstance(): Promise<{ blossom: Instance; schema: string; skip: string | undefined }> {
  const skip = await skipReason('postgres');
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  const blossom = instance({ BLOSSOM_DATABASE_URL: postgresUrl, BLOSSOM_DATABASE_SCHEMA: schema });
  const removeDir = blossom.dispose;
  blossom.dispose = async () => {
    await removeDir();
    if (skip) return;
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  return { blossom, schema, skip };
}

/** Runs one query against the test PostgreSQL. */
export async function queryPostgres<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}
