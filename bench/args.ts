import { parseArgs } from 'node:util';

/** What `npm run bench -- reveal ...` was asked to do. */
export interface RevealOptions {
  clients: number;
  json: boolean;
  /** What stands where Blossom would: Blossom itself, its SSE layer alone, or the floor again. */
  server: 'blossom' | 'hub' | 'floor';
  /** Loopback source addresses the clients are spread over. */
  sources: string[];
  /** Connections opened at once. */
  concurrency: number;
  /** From scheduling the reveal to its instant. */
  leadMs: number;
  /** How long stragglers are waited for after the instant. */
  graceMs: number;
  /** Blossom processes (1, or 3 on PostgreSQL). */
  nodes: 1 | 3;
  /** Also measure the peer, Socket.IO with its Redis adapter on three processes (always with --nodes 3). */
  peer: boolean;
}

export const usage = `usage: npm run bench -- reveal --clients N [--json] [--server blossom|hub|floor]
                       [--nodes 1|3] [--peer] [--sources K] [--concurrency C] [--lead-ms MS] [--grace-ms MS]
       npm run bench -- checkin [--json] ...   (see bench/checkin.ts)
       npm run bench -- aid [--json] ...   (see bench/aid.ts)

  --clients N      SSE clients per server (1..100000)
  --json           one JSON line on stdout instead of a table
  --server S       what is measured against the floor: blossom (default), hub (Blossom's
                   SSE layer alone, no database), floor (the floor twice: the noise)
  --nodes 1|3      Blossom as one process (SQLite) or three on PostgreSQL (default 1)
  --peer           also measure Socket.IO + Redis adapter on three processes (implied by --nodes 3)
  --sources K      loopback source addresses 127.0.0.2.. to spread clients over (1..200, default 8)
  --concurrency C  connections being opened at once (default 200)
  --lead-ms MS     from scheduling the reveal to its instant (default 3000)
  --grace-ms MS    how long to wait for stragglers after the instant (default 15000)`;

export class UsageError extends Error {}

function whole(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

export function parseRevealArgs(argv: readonly string[]): RevealOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        clients: { type: 'string' },
        json: { type: 'boolean', default: false },
        server: { type: 'string', default: 'blossom' },
        sources: { type: 'string' },
        concurrency: { type: 'string' },
        'lead-ms': { type: 'string' },
        'grace-ms': { type: 'string' },
        nodes: { type: 'string' },
        peer: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'reveal') throw new UsageError(`unknown benchmark ${JSON.stringify(positionals.join(' '))}; there are: reveal, checkin, aid`);
  if (values.clients === undefined) throw new UsageError('--clients N is required');
  const server = values.server;
  if (server !== 'blossom' && server !== 'hub' && server !== 'floor') throw new UsageError(`--server must be blossom, hub or floor, got ${JSON.stringify(server)}`);
  const sourceCount = whole('sources', values.sources, 8, 1, 200);
  const nodes = whole('nodes', values.nodes, 1, 1, 3);
  if (nodes !== 1 && nodes !== 3) throw new UsageError(`--nodes must be 1 or 3, got ${nodes}`);
  if (nodes === 3 && server !== 'blossom') throw new UsageError('--nodes 3 measures Blossom itself; leave out --server');
  return {
    clients: whole('clients', values.clients, 0, 1, 100_000),
    json: values.json,
    server,
    sources: Array.from({ length: sourceCount }, (_, i) => `127.0.0.${i + 2}`),
    concurrency: whole('concurrency', values.concurrency, 200, 1, 10_000),
    leadMs: whole('lead-ms', values['lead-ms'], 3000, 500, 60_000),
    graceMs: whole('grace-ms', values['grace-ms'], 15_000, 1000, 300_000),
    nodes,
    peer: values.peer || nodes === 3,
  };
}
