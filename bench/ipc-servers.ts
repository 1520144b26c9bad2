import { randomUUID } from 'node:crypto';
import { forkHelper } from './children.ts';
import { processFamily } from './proc.ts';
import type { ServerUnderTest } from './phase.ts';
import type { FromServer, ToServer } from './protocol.ts';
import { parseFrame } from './sse-wire.ts';

/**
 * Servers driven over IPC: the floor (bench/floor.ts) and Blossom's SSE layer alone
 * (bench/hub-standin.ts). Both send the frame they are given, byte for byte.
 */
export async function startIpcServer(kind: 'floor' | 'hub', clients: number, frame: string, processes = 1): Promise<ServerUnderTest> {
  const script = new URL(kind === 'floor' ? './floor.ts' : './hub-standin.ts', import.meta.url);
  if (kind !== 'floor' && processes !== 1) throw new Error('only the floor runs as several processes');
  const child = forkHelper<ToServer, FromServer>(kind, script, [String(processes)]);
  const { port } = await child.next('listening', 30_000);
  const { id } = parseFrame(frame);
  if (!id) throw new Error('the reveal frame needs an id');
  return {
    name: kind,
    pid: child.pid,
    // With several processes, the cluster primary and its workers.
    pids: () => processFamily(child.pid),
    port,
    paths: Array.from({ length: clients }, () => '/live'),
    match: id,
    async schedule(at) {
      child.send({ kind: 'reveal', at, frame });
      await child.next('armed', 10_000);
    },
    stop: () => child.stop(),
  };
}

/**
 * A target as Blossom sends it (id `<releaseAt>~d~<disclosureId>`, a text and a place), for
 * runs without Blossom; with Blossom, the floor replays the frame Blossom actually sent.
 */
export function sampleFrame(at = new Date()): string {
  const id = randomUUID();
  const releaseAt = at.toISOString();
  const data = {
    id,
    tier: 'present',
    releaseAt,
    text: 'The target: the bank lobby on Market Street. Walk in together at the whistle; banners out, sit down, sing.',
    place: { label: 'Market Street, north entrance', lat: 51.51, lon: -0.09 },
  };
  return `id: ${releaseAt}~d~${id}\nevent: disclosure\ndata: ${JSON.stringify(data)}\n\n`;
}
