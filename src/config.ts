import { readFileSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Every setting is a BLOSSOM_* environment variable (PORT and HOST too, as hosts expect).
 * A secret may instead be read from a file named by the same variable with a _FILE suffix.
 * The result is validated once and frozen; a bad value stops the process and names it.
 */
const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (leave unset for the embedded SQLite database)')
    .optional(),
  databaseSchema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase letters, digits and _ only').optional(),
  masterSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  publicUrl: z.url().optional(),
  trustProxy: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  sessionDays: z.coerce.number().int().min(1).max(365).default(30),
  signupOpen: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps:// (leave unset to send no mail)')
    .optional(),
  mailFrom: z.string().min(3).max(200).default('Blossom <blossom@localhost>'),
  aidRetentionDays: z.coerce.number().int().min(0).max(365).default(7),
  mapTiles: z
    .string()
    .regex(/^https:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/, 'must be an https:// tile URL template with {z}, {x} and {y}')
    .optional(),
  mapAttribution: z.string().max(300).default(''),
  workers: z.coerce.number().int().min(1).max(256).default(1),
  jobLeaseMs: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
});

export type Config = Readonly<z.infer<typeof schema> & { masterSecret: string; sqlitePath: string }>;

const envNames: Record<keyof z.input<typeof schema>, string> = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'BLOSSOM_DATA_DIR',
  databaseUrl: 'BLOSSOM_DATABASE_URL',
  databaseSchema: 'BLOSSOM_DATABASE_SCHEMA',
  masterSecret: 'BLOSSOM_MASTER_SECRET',
  publicUrl: 'BLOSSOM_PUBLIC_URL',
  trustProxy: 'BLOSSOM_TRUST_PROXY',
  sessionDays: 'BLOSSOM_SESSION_DAYS',
  signupOpen: 'BLOSSOM_SIGNUP_OPEN',
  logLevel: 'BLOSSOM_LOG_LEVEL',
  smtpUrl: 'BLOSSOM_SMTP_URL',
  mailFrom: 'BLOSSOM_MAIL_FROM',
  aidRetentionDays: 'BLOSSOM_AID_RETENTION_DAYS',
  mapTiles: 'BLOSSOM_MAP_TILES',
  mapAttribution: 'BLOSSOM_MAP_ATTRIBUTION',
  workers: 'BLOSSOM_WORKERS',
  jobLeaseMs: 'BLOSSOM_JOB_LEASE_MS',
};

export class ConfigError extends Error {}

function readEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const fileName = env[`${name}_FILE`];
    if (fileName) {
      try {
        raw[key] = readFileSync(fileName, 'utf8').trim();
      } catch (err) {
        throw new ConfigError(`${name}_FILE: cannot read ${fileName} (${(err as Error).message})`);
      }
    } else if (env[name] !== undefined && env[name] !== '') {
      raw[key] = env[name];
    }
  }
  return raw;
}

/** The master secret wraps every other key; generated once into the data dir if not given. */
function ensureMasterSecret(dataDir: string): string {
  const path = join(dataDir, 'master.key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(readEnv(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof typeof envNames;
      return `  ${envNames[key] ?? key}: ${issue.message}`;
    });
    throw new ConfigError(`Blossom cannot start; fix these settings:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  const dataDir = resolve(values.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const masterSecret = values.masterSecret ?? ensureMasterSecret(dataDir);
  return Object.freeze({ ...values, dataDir, masterSecret, sqlitePath: join(dataDir, 'blossom.sqlite') });
}

export const configVariables = envNames;
