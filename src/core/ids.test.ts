import { it } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken, secretToken, uuidv7 } from './ids.ts';

it('uuidv7 is a version-7 UUID ordered by time', () => {
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a < b);
});

it('secret tokens are unique and stored only as hashes', () => {
  const t = secretToken();
  assert.notEqual(t, secretToken());
  assert.ok(t.length >= 43);
  assert.equal(hashToken(t), hashToken(t));
  assert.notEqual(hashToken(t), t);
  // SHA-256 in base64url, so hashes already in the database keep matching.
  assert.equal(hashToken('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  assert.equal(hashToken('é'), Buffer.from('SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw/biumnEw=', 'base64').toString('base64url'));
});
