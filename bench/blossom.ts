import { fileURLToPath } from 'node:url';
import { seedReveal, type SeedTarget } from './blossom-seed.ts';
import { spawnProgram, type Child } from './children.ts';
import type { ServerUnderTest } from './phase.ts';
import { processFamily } from './proc.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Only what this run sets: a BLOSSOM_DATABASE_URL in the caller's shell must not point the bench at real data. */
export function serverEnv(where: SeedTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BLOSSOM_') && name !== 'PORT' && name !== 'HOST') env[name] = value;
  const database = where.postgres ? { BLOSSOM_DATABASE_URL: where.postgres.url, BLOSSOM_DATABASE_SCHEMA: where.postgres.schema } : {};
  return { ...env, BLOSSOM_DATA_DIR: where.dataDir, PORT: '0', HOST: '127.0.0.1', BLOSSOM_LOG_LEVEL: 'warn', ...database, ...extra };
}

/** `node src/cli/main.ts serve` as an operator runs it; resolves with its URL once it listens. */
export async function spawnBlossom(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ child: Child<never, never>; url: string }> {
  const child = spawnProgram('blossom', ['src/cli/main.ts', 'serve', ...args], { cwd: repo, env });
  const url = await new Promise<string>((resolve, reject) => {
    let seen: string | null = '';
    const timer = setTimeout(() => reject(new Error(`Blossom did not start within 30 s:\n  ${child.stderrTail.join('\n  ')}`)), 30_000);
    // Read to the end, always: a full stdout pipe would stall the server mid-reveal.
    child.process.stdout?.setEncoding('utf8').on('data', (text: string) => {
      if (seen === null) return;
      seen += text;
      const match = /running at (http:\/\/[^\s]+)/.exec(seen);
      if (match) {
        seen = null;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.process.once('exit', () => reject(new Error(`Blossom exited while starting:\n  ${child.stderrTail.join('\n  ')}`)));
  });
  return { child, url };
}

/**
 * Blossom as an operator runs it — `node src/cli/main.ts serve` on SQLite in a temporary
 * data dir, or `serve --workers N` on a scratch PostgreSQL schema, on loopback — seeded with one action whose target the crowd waits for on the
 * live route. The reveal is scheduled the way an organizer would: by moving the action's
 * start through the API, which Blossom turns into a durable release job.
 */
export async function startBlossom(where: SeedTarget, clients: number, nodes = 1): Promise<ServerUnderTest> {
  const seed = await seedReveal(where, clients);
  const { child, url } = await spawnBlossom(serverEnv(where), nodes > 1 ? ['--workers', String(nodes)] : []);
  const port = Number(new URL(url).port);
  const live = `/api/v1/actions/${seed.slug}/live?node=${encodeURIComponent(seed.nodeId)}&ticket=`;
  return {
    name: 'blossom',
    pid: child.pid,
    port,
    paths: seed.tickets.map((ticket) => live + encodeURIComponent(ticket)),
    match: `~d~${seed.disclosureId}`,
    // The primary of --workers hands connections over; the workers hold and serve them.
    pids: () => processFamily(child.pid),
    async schedule(at) {
      const res = await fetch(`${url}/api/v1/actions/${seed.slug}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${seed.organizerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ timing: { mode: 'same-instant', at: new Date(at).toISOString() } }),
      });
      if (res.status !== 200) throw new Error(`moving the reveal failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    },
    stop: () => child.stop(10_000),
  };
}
