import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'blossom-config-'));

describe('config', () => {
  it('has working defaults and is frozen', () => {
    const config = loadConfig({ BLOSSOM_DATA_DIR: dir() });
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, undefined);
    assert.ok(Object.isFrozen(config));
    assert.match(config.sqlitePath, /blossom\.sqlite$/);
  });

  it('generates a master secret once, private to the owner, and reuses it', () => {
    const dataDir = dir();
    const first = loadConfig({ BLOSSOM_DATA_DIR: dataDir });
    const second = loadConfig({ BLOSSOM_DATA_DIR: dataDir });
    assert.equal(first.masterSecret, second.masterSecret);
    assert.ok(first.masterSecret.length >= 32);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
  });

  it('refuses a bad value and names the variable', () => {
    assert.throws(() => loadConfig({ BLOSSOM_DATA_DIR: dir(), PORT: 'abc' }), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /PORT/);
      return true;
    });
    assert.throws(() => loadConfig({ BLOSSOM_DATA_DIR: dir(), BLOSSOM_DATABASE_URL: 'mysql://x' }), /BLOSSOM_DATABASE_URL/);
    assert.throws(() => loadConfig({ BLOSSOM_DATA_DIR: dir(), BLOSSOM_MASTER_SECRET: 'short' }), /BLOSSOM_MASTER_SECRET/);
  });

  it('reads secrets from *_FILE', () => {
    const d = dir();
    const file = join(d, 'secret');
    writeFileSync(file, 'x'.repeat(40) + '\n');
    const config = loadConfig({ BLOSSOM_DATA_DIR: d, BLOSSOM_MASTER_SECRET_FILE: file });
    assert.equal(config.masterSecret, 'x'.repeat(40));
    assert.throws(() => loadConfig({ BLOSSOM_DATA_DIR: d, BLOSSOM_MASTER_SECRET_FILE: join(d, 'missing') }), /BLOSSOM_MASTER_SECRET_FILE/);
    assert.equal(readFileSync(file, 'utf8').trim().length, 40);
  });
});
