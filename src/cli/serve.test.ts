import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { instance, spawnCli } from '../../test/support/cli.ts';

describe('blossom serve', () => {
  const blossom = instance({ PORT: '0', HOST: '127.0.0.1' });
  after(() => blossom.dispose());

  it('starts, answers /healthz, prints the admin setup link, backs up while running, and stops on SIGTERM', async () => {
    const server = spawnCli(['serve'], blossom.env);
    let stdout = '';
    let stderr = '';
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "running at" line within 20 s:\n${stdout}\n${stderr}`)), 20_000);
        server.stdout!.on('data', () => {
          const found = /Blossom is running at (http:\/\/\S+) /.exec(stdout)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
        void exited.then(([code]) => reject(new Error(`serve exited early with ${code}:\n${stdout}\n${stderr}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });

      assert.match(stdout, new RegExp(`No administrator yet[^]*${url.replace(/\./g, '\\.')}/setup/[\\w-]{20,}`));

      const backup = await blossom.run(['backup']);
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stdout, /checked: 0 accounts/);
    } finally {
      server.kill('SIGTERM');
    }
    const [code, signal] = await exited;
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Received SIGTERM; stopping/);
  });

  it('explains a port that is already taken', async () => {
    const squatter = createServer();
    squatter.listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const { port } = squatter.address() as AddressInfo;
    try {
      const res = await blossom.run(['serve', '--port', String(port)]);
      assert.equal(res.code, 1);
      assert.match(res.stderr, new RegExp(`Port ${port} is already in use`));
    } finally {
      squatter.close();
    }
  });
});
