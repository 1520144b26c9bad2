import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { typeKeys } from './password.ts';

describe('typeKeys (the hidden password prompt)', () => {
  it('collects what is typed until Enter', () => {
    assert.deepEqual(typeKeys('', 'pass'), { value: 'pass', state: 'typing' });
    assert.deepEqual(typeKeys('pass', 'word\r'), { value: 'password', state: 'done' });
    assert.deepEqual(typeKeys('', 'pasted phrase\n'), { value: 'pasted phrase', state: 'done' });
  });

  it('deletes with Backspace, a whole character even outside the BMP', () => {
    assert.deepEqual(typeKeys('ab🌸', '\u007f'), { value: 'ab', state: 'typing' });
    assert.deepEqual(typeKeys('', '\u007f\b'), { value: '', state: 'typing' });
  });

  it('cancels on Ctrl-C or Ctrl-D and forgets what was typed', () => {
    assert.deepEqual(typeKeys('secret', '\u0003'), { value: '', state: 'cancelled' });
    assert.deepEqual(typeKeys('secret', '\u0004'), { value: '', state: 'cancelled' });
  });

  it('ignores other control characters such as arrow-key escapes', () => {
    assert.deepEqual(typeKeys('ab', '\u001b[D\u001b[3~\u001bOA'), { value: 'ab', state: 'typing' });
    assert.deepEqual(typeKeys('', '\u001b[200~pasted\u001b[201~'), { value: 'pasted', state: 'typing' });
  });
});
