import { ConfigError } from '../config.ts';
import { Problem } from '../core/errors.ts';
import { CliError } from './runtime.ts';

export interface Failure {
  text: string;
  exitCode: number;
}

/**
 * Turns whatever stopped a command into words for the operator. Expected failures (bad
 * settings, refused input) get their message alone; only a real bug shows a stack trace.
 */
export function describeFailure(err: unknown): Failure {
  if (err instanceof ConfigError || err instanceof CliError) {
    return { text: err.message, exitCode: err instanceof CliError ? err.exitCode : 1 };
  }
  if (err instanceof Problem) return { text: describeProblem(err), exitCode: 1 };
  const unreachable = describeUnreachable(err);
  if (unreachable) return { text: unreachable, exitCode: 1 };
  if (err instanceof Error) return { text: `Unexpected error: ${err.stack ?? err.message}`, exitCode: 1 };
  return { text: `Unexpected error: ${String(err)}`, exitCode: 1 };
}

/** The same fields an API client sees, laid out for a terminal: title, code, detail, then each field. */
export function describeProblem(problem: Problem): string {
  const lines = [`Error: ${problem.message} (${problem.code})`];
  if (problem.detail) lines.push(`  ${problem.detail}`);
  for (const [field, message] of Object.entries(problem.fields ?? {})) lines.push(`  ${field}: ${message}`);
  return lines.join('\n');
}

/**
 * A database that cannot be reached or a data directory that cannot be written is a matter
 * of settings or permissions, so the operator gets the reason and where to look, not a stack trace.
 */
function describeUnreachable(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  // Network failures, and PostgreSQL's connection (08), login (28) and unknown-database (3D) classes.
  if (/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/.test(code) || /^(08|28|3D)[0-9A-Z]{3}$/.test(code)) {
    return `Cannot reach the PostgreSQL database: ${err.message}\nCheck BLOSSOM_DATABASE_URL and that PostgreSQL is running (see docs/operating.md).`;
  }
  if (/^(EACCES|EPERM|EROFS|ENOSPC)$/.test(code) || /^SQLITE_(CANTOPEN|READONLY|NOTADB|FULL)/.test(code)) {
    return `Cannot use the data directory: ${err.message}\nCheck BLOSSOM_DATA_DIR, free disk space, and that the user running Blossom may write there.`;
  }
  return null;
}
