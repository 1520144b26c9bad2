import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configVariables } from '../config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const operating = readFileSync(new URL('../../docs/operating.md', import.meta.url), 'utf8');

const commands: Record<string, string[]> = {
  serve: [],
  migrate: [],
  user: ['create', 'reset-password', 'token'],
  backup: [],
  demo: [],
};

/** Docs that name a command or setting which does not exist send a newcomer down a dead end. */
describe('the operator documentation', () => {
  it('documents every setting in docs/operating.md, with its _FILE variant explained', () => {
    for (const name of Object.values(configVariables)) {
      assert.match(operating, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} has a row in the configuration table`);
    }
    assert.match(operating, /NAME_FILE/);
  });

  it('names no setting that does not exist', () => {
    const known = new Set<string>(Object.values(configVariables));
    for (const [name] of `${readme}\n${operating}`.matchAll(/\bBLOSSOM_[A-Z_]+\b/g)) {
      const base = name.replace(/_FILE$/, '');
      assert.ok(known.has(base) || base === 'BLOSSOM_TEST_DATABASE_URL', `${name} is a real setting`);
    }
  });

  it('uses only blossom commands that exist', () => {
    const text = `${readme}\n${operating}`;
    // Invocations only: `npx blossom …`, `sudo blossom …` (the wrapper), `/usr/local/bin/blossom …`.
    const uses = [...text.matchAll(/(?:npx |sudo |bin\/)blossom ([a-z][\w-]*)(?: ([a-z][\w-]*))?/g)];
    assert.ok(uses.length > 10);
    for (const [, command, sub] of uses) {
      assert.ok(command! in commands, `blossom ${command} exists`);
      const subs = commands[command!]!;
      if (subs.length) assert.ok(subs.includes(sub!), `blossom ${command} ${sub} exists`);
    }
    for (const command of Object.keys(commands)) assert.match(readme, new RegExp(`npx blossom ${command}\\b`), `README shows ${command}`);
  });
});
