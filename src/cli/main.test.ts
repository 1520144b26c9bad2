import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { instance, launcher, runCli } from '../../test/support/cli.ts';

const commands = [
  ['serve'],
  ['migrate'],
  ['user'],
  ['user', 'create'],
  ['user', 'reset-password'],
  ['user', 'token'],
  ['backup'],
  ['demo'],
];

describe('blossom (the command line)', () => {
  const blossom = instance();
  after(() => blossom.dispose());

  it('lists every command with a one-line description in --help', async () => {
    const res = await blossom.run(['--help']);
    assert.equal(res.code, 0, res.stderr);
    for (const name of ['serve', 'migrate', 'user', 'backup', 'demo']) {
      assert.match(res.stdout, new RegExp(`^  ${name}\\b.*\\S`, 'm'), `${name} is listed with a description`);
    }
    assert.match(res.stdout, /Examples:/);
  });

  for (const command of commands) {
    it(`explains "${command.join(' ')}" with examples in --help`, async () => {
      const res = await blossom.run([...command, '--help']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, new RegExp(`Usage: blossom ${command.join(' ')}`));
      assert.match(res.stdout, /Examples?:\n\s+\$ .*npx blossom /);
    });
  }

  it('refuses a bad setting, naming the variable, and exits non-zero', async () => {
    const res = await blossom.run(['serve'], { env: { PORT: 'abc' } });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /PORT: /);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace for a configuration mistake');
  });

  it('names a bad setting for commands other than serve too', async () => {
    const res = await blossom.run(['migrate'], { env: { BLOSSOM_LOG_LEVEL: 'loud' } });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /BLOSSOM_LOG_LEVEL: /);
  });

  it('answers an unknown command with a hint and a non-zero exit', async () => {
    const res = await blossom.run(['sprout']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /unknown command 'sprout'/);
    assert.match(res.stderr, /--help/);
  });

  it('runs through the bin/blossom.js launcher', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const res = await runCli(['--version'], blossom.env, '', launcher);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim(), version);
  });

  // The launcher's hand-over only happens under an older Node, which a machine may not have.
  const olderNode = systemNodeBelow24();
  it('hands over from an older system Node to the Node 24 npm installed', { skip: olderNode ? false : 'no Node older than 24 on PATH' }, () => {
    const output = execFileSync(olderNode!, [launcher, '--version'], { encoding: 'utf8' });
    assert.match(output.trim(), /^\d+\.\d+\.\d+$/);
  });
});

function systemNodeBelow24(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(version.slice(1).split('.')[0]) < 24) return candidate;
    } catch {
      // Not installed there.
    }
  }
  return null;
}
