import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { start, type Running } from '../../src/main.ts';
import type { Clock } from '../../src/core/clock.ts';

/** A real Blossom on a free loopback port with its own data dir, as `npm start` runs it. */
export async function startServer(opts: { clock?: Clock; env?: Record<string, string> } = {}): Promise<Running & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'blossom-server-'));
  const config = loadConfig({ BLOSSOM_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', BLOSSOM_LOG_LEVEL: 'error', ...opts.env });
  const running = await start(config, { ...(opts.clock ? { clock: opts.clock } : {}), quiet: true });
  return {
    ...running,
    async dispose() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
