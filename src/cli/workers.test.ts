import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { instance, postgresInstance } from '../../test/support/cli.ts';
import { serveProcess } from '../../test/support/remote.ts';
import { workerExecArgv, workerSemiSpaceMb } from './workers.ts';

describe('blossom serve --workers', () => {
  it('caps each worker\'s young generation unless the operator already chose a size', () => {
    assert.deepEqual(workerExecArgv(['--enable-source-maps'], undefined), ['--enable-source-maps', `--max-semi-space-size=${workerSemiSpaceMb}`]);
    assert.deepEqual(workerExecArgv(['--max-semi-space-size=16'], undefined), ['--max-semi-space-size=16']);
    assert.deepEqual(workerExecArgv([], '--max-old-space-size=900 --max-semi-space-size=8'), []);
    assert.deepEqual(workerExecArgv([], '--max-semi-space-size-x=1'), [`--max-semi-space-size=${workerSemiSpaceMb}`]);
  });

  it('refuses more than one worker on SQLite, naming the setting and why', async (t) => {
    const blossom = instance({ PORT: '0', HOST: '127.0.0.1' });
    t.after(() => blossom.dispose());
    for (const [args, env] of [[['serve', '--workers', '2'], {}], [['serve'], { BLOSSOM_WORKERS: '3' }]] as const) {
      const res = await blossom.run([...args], { env });
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /BLOSSOM_WORKERS=\d \(or --workers\) needs PostgreSQL \(BLOSSOM_DATABASE_URL\)/);
      assert.match(res.stderr, /one process owns the database file's writes/);
    }
  });

  it('runs N workers on one port with PostgreSQL, restarts one that dies, and stops them all on SIGTERM', { timeout: 60_000 }, async (t) => {
    const { blossom, skip } = await postgresInstance();
    t.after(() => blossom.dispose());
    if (skip) return t.skip(skip);
    const primary = await serveProcess({ ...blossom.env, PORT: '0', HOST: '127.0.0.1' }, ['--workers', '2']);
    const exited = once(primary.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      assert.equal((await fetch(`${primary.url}/healthz`)).status, 200);
      assert.match(primary.stderr(), /Applied migrations/, 'the primary migrates before forking');
      // The primary serves nothing itself: its children are the workers.
      const workers = await childrenOf(primary.child.pid!);
      assert.equal(workers.length, 2);
      const { readFile } = await import('node:fs/promises');
      for (const pid of workers) {
        const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
        assert.ok(argv.includes(`--max-semi-space-size=${workerSemiSpaceMb}`), `worker ${pid} runs with a capped young generation: ${argv.join(' ')}`);
      }
      process.kill(workers[0]!, 'SIGKILL');
      const deadline = Date.now() + 15_000;
      while (!/starting another/.test(primary.stderr()) || (await childrenOf(primary.child.pid!)).length < 2) {
        assert.ok(Date.now() < deadline, `no replacement worker:\n${primary.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal((await fetch(`${primary.url}/healthz`)).status, 200);
    } finally {
      primary.child.kill('SIGTERM');
    }
    const [code, signal] = await exited;
    assert.equal(signal, null, primary.stderr());
    assert.equal(code, 0, primary.stderr());
    assert.match(primary.stderr(), /Received SIGTERM; stopping 2 workers/);
  });
});

/** Process ids whose parent is `pid`, from /proc (Linux, where the tests run). */
async function childrenOf(pid: number): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The parent pid is the second field after the parenthesised command name.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) found.push(Number(entry));
  }
  return found;
}
