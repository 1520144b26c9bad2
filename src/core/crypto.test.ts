import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import type { Kek } from './crypto.ts';
import { CryptoError, deriveKek, newDataKey, open, seal, unwrapKey, wrapKey } from './crypto.ts';

const masterSecret = 'test-master-secret-0123456789abcdefghij';
const kek = deriveKek(masterSecret, 'action-key');

/** Flips one bit of the decoded bytes at `index` (negative counts from the end). */
function flipBit(text: string, index: number): string {
  const bytes = Buffer.from(text, 'base64url');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64url');
}

const failsWith = (reason: CryptoError['reason']) => (err: unknown) =>
  err instanceof CryptoError && err.reason === reason;

describe('key wrapping', () => {
  it('a wrapped data key unwraps to a key that opens what it sealed', () => {
    const dataKey = newDataKey();
    const wrapped = wrapKey(kek, dataKey, 'action:a1');
    const sealed = seal(dataKey, 'Target: the bank on Main St', 'disclosure:d1');
    const unwrapped = unwrapKey(kek, wrapped, 'action:a1');
    assert.equal(open(unwrapped, sealed, 'disclosure:d1'), 'Target: the bank on Main St');
  });

  it('the same master secret and purpose derive the same KEK on another process', () => {
    const wrapped = wrapKey(kek, newDataKey(), 'action:a1');
    assert.doesNotThrow(() => unwrapKey(deriveKek(masterSecret, 'action-key'), wrapped, 'action:a1'));
  });

  it('a wrong master secret, a wrong purpose or a wrong action cannot unwrap', () => {
    const wrapped = wrapKey(kek, newDataKey(), 'action:a1');
    const otherSecret = deriveKek('another-master-secret-0123456789abcdefgh', 'action-key');
    assert.throws(() => unwrapKey(otherSecret, wrapped, 'action:a1'), failsWith('cannot_open'));
    assert.throws(() => unwrapKey(deriveKek(masterSecret, 'other'), wrapped, 'action:a1'), failsWith('cannot_open'));
    assert.throws(() => unwrapKey(kek, wrapped, 'action:a2'), failsWith('cannot_open'));
  });

  it('a tampered wrapped key is refused', () => {
    const wrapped = wrapKey(kek, newDataKey(), 'action:a1');
    for (const index of [1, 14, -1]) {
      assert.throws(() => unwrapKey(kek, flipBit(wrapped, index), 'action:a1'), failsWith('cannot_open'));
    }
  });

  it('refuses a short master secret or an empty purpose', () => {
    assert.throws(() => deriveKek('short', 'action-key'), failsWith('bad_input'));
    assert.throws(() => deriveKek(masterSecret, ' '), failsWith('bad_input'));
  });

  it('keys do not show their bytes when logged', () => {
    const dataKey = newDataKey();
    const hex = dataKey.export().toString('hex');
    assert.ok(!inspect(dataKey).includes(hex));
    assert.ok(!JSON.stringify({ dataKey, kek }).includes(hex));
  });
});

describe('seal and open', () => {
  const dataKey = newDataKey();

  it('round-trips text, including the empty string', () => {
    for (const text of ['', 'meet at the fountain', 'Ziel: Rathaus 🌸 — 17:00', 'هدف', '\u0000 nul']) {
      assert.equal(open(dataKey, seal(dataKey, text, 'disclosure:d1'), 'disclosure:d1'), text);
    }
  });

  it('round-trips arbitrary Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), fc.string({ minLength: 1 }), (text, aad) => {
        assert.equal(open(dataKey, seal(dataKey, text, aad), aad), text);
      }),
    );
  });

  it('gives a different ciphertext each time (random nonce) in URL-safe text with a version byte', () => {
    const a = seal(dataKey, 'same', 'disclosure:d1');
    const b = seal(dataKey, 'same', 'disclosure:d1');
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(a, 'base64url')[0], 0x01);
    assert.equal(Buffer.from(a, 'base64url').length, 1 + 12 + 4 + 16);
  });

  it('never contains the plaintext, in clear, base64 or hex', () => {
    const canary = 'CANARY-target-is-the-city-hall-CANARY';
    const plaintext = `before ${canary} after`;
    const sealed = seal(dataKey, plaintext, 'disclosure:d1');
    const raw = Buffer.from(sealed, 'base64url');
    // The raw-bytes check covers every encoding; the text checks are what a reader of a dump would grep for.
    assert.ok(!raw.includes(Buffer.from(canary, 'utf8')));
    for (const text of [canary, plaintext]) {
      const bytes = Buffer.from(text, 'utf8');
      for (const form of [text, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]) {
        assert.ok(!sealed.includes(form), `sealed text contains ${form}`);
        assert.ok(!raw.toString('hex').includes(form));
      }
    }
  });

  it('a wrapped key does not contain the data key it wraps', () => {
    const dataKey = newDataKey();
    const wrapped = wrapKey(kek, dataKey, 'action:a1');
    const keyBytes = dataKey.export();
    assert.ok(!Buffer.from(wrapped, 'base64url').includes(keyBytes));
    assert.ok(!wrapped.includes(keyBytes.toString('base64url')));
  });

  it('binds a ciphertext to its row: it cannot be moved to another disclosure', () => {
    const sealed = seal(dataKey, 'secret', 'disclosure:d1');
    assert.throws(() => open(dataKey, sealed, 'disclosure:d2'), failsWith('cannot_open'));
  });

  it('a wrapped key cannot be opened as a sealed text, even with the same key and AAD', () => {
    // Same key bytes on purpose, to show that the kind label alone keeps the two apart.
    const wrapped = wrapKey(dataKey as unknown as Kek, newDataKey(), 'x:1');
    assert.throws(() => open(dataKey, wrapped, 'x:1'), failsWith('cannot_open'));
  });

  it('refuses a wrong key', () => {
    const sealed = seal(dataKey, 'secret', 'disclosure:d1');
    assert.throws(() => open(newDataKey(), sealed, 'disclosure:d1'), failsWith('cannot_open'));
  });

  it('detects any flipped bit in nonce, body or tag', () => {
    const sealed = seal(dataKey, 'secret', 'disclosure:d1');
    const length = Buffer.from(sealed, 'base64url').length;
    for (let index = 1; index < length; index++) {
      assert.throws(() => open(dataKey, flipBit(sealed, index), 'disclosure:d1'), failsWith('cannot_open'));
    }
  });

  it('names malformed input clearly', () => {
    const sealed = seal(dataKey, 'secret', 'disclosure:d1');
    assert.throws(() => open(dataKey, flipBit(sealed, 0), 'disclosure:d1'), failsWith('unsupported_version'));
    assert.throws(() => open(dataKey, sealed.slice(0, 20), 'disclosure:d1'), failsWith('malformed'));
    assert.throws(() => open(dataKey, `${sealed}=`, 'disclosure:d1'), failsWith('malformed'));
    assert.throws(() => open(dataKey, sealed, ''), failsWith('bad_input'));
    assert.throws(() => seal(dataKey, 'lone \ud800 surrogate', 'disclosure:d1'), failsWith('bad_input'));
  });
});
