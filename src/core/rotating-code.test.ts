import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CODE_ALPHABET, CODE_LENGTH, codeAt, codeKey, displayCode, newNodeSecret, normalizeCode, secondsLeft, verifyCode,
} from './rotating-code.ts';

const STEP = 60_000;
const from = Date.UTC(2024, 0, 1);
const until = Date.UTC(2032, 0, 1);
const anyInstant = fc.integer({ min: from, max: until }).map((ms) => new Date(ms));
const anySecret = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url'));
const codeShape = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
const later = (d: Date, ms: number): Date => new Date(d.getTime() + ms);

describe('check-in codes', () => {
  it('match a known answer computed independently (so every server process agrees)', () => {
    // HMAC-SHA256 over the 8-byte step counter, 48 bits spelled little-end first; computed with Python's hmac.
    const secret = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64url');
    assert.equal(codeAt(secret, new Date('2026-06-15T17:00:00Z')), 'JQAKMX');
    assert.equal(codeAt(secret, new Date('2026-06-15T17:00:59.999Z')), 'JQAKMX');
    assert.equal(codeAt(secret, new Date('2026-06-15T17:01:00Z')), 'E673UN');
    assert.equal(codeAt(secret, new Date('2026-06-15T17:00:30Z'), 30), 'KRMW74');
  });

  it('come out the same from a CodeKey reused across steps and step lengths as from the secret', () => {
    fc.assert(fc.property(anySecret, fc.array(fc.tuple(anyInstant, fc.constantFrom(30, 60)), { minLength: 1, maxLength: 12 }), (secret, asks) => {
      const key = codeKey(secret);
      for (const [at, step] of asks) {
        assert.equal(codeAt(key, at, step), codeAt(secret, at, step));
        assert.deepEqual(verifyCode(key, codeAt(secret, at, step), at, { stepSeconds: step }), verifyCode(secret, codeAt(secret, at, step), at, { stepSeconds: step }));
      }
      assert.equal(verifyCode(key, codeAt(secret, later(asks[0]![0], 5 * STEP)), asks[0]![0]), null);
    }));
  });

  it('use only the alphabet: no 0/O, 1/I/L and one of each screen look-alike pair', () => {
    for (const ch of '01OIL' + 'SZBGV') assert.ok(!CODE_ALPHABET.includes(ch), ch);
    assert.equal(new Set(CODE_ALPHABET).size, CODE_ALPHABET.length);
    fc.assert(fc.property(anySecret, anyInstant, (secret, at) => assert.match(codeAt(secret, at), codeShape)));
  });

  it('change from step to step and differ between nodes (statistically)', () => {
    const secret = newNodeSecret();
    const byStep = new Set(Array.from({ length: 5000 }, (_, i) => codeAt(secret, new Date(from + i * STEP))));
    const byNode = new Set(Array.from({ length: 5000 }, () => codeAt(newNodeSecret(), new Date(from))));
    // With 3.1e8 codes, 5000 draws collide about 0.04 times on average.
    assert.ok(byStep.size >= 4998 && byNode.size >= 4998, `${byStep.size} ${byNode.size}`);
    fc.assert(
      fc.property(anySecret, anySecret, anyInstant, (a, b, at) => {
        fc.pre(a !== b);
        assert.notEqual(codeAt(a, at), codeAt(b, at));
        assert.notEqual(codeAt(a, at), codeAt(a, later(at, STEP)));
      }),
    );
  });

  it('spread evenly over the alphabet at every position', () => {
    const secret = newNodeSecret();
    const counts = Array.from({ length: CODE_LENGTH }, () => new Map<string, number>());
    const draws = 26_000;
    for (let i = 0; i < draws; i++) {
      [...codeAt(secret, new Date(from + i * STEP))].forEach((ch, at) => counts[at]!.set(ch, (counts[at]!.get(ch) ?? 0) + 1));
    }
    const expected = draws / CODE_ALPHABET.length; // 1000 per symbol, standard deviation ≈ 31
    for (const position of counts) {
      assert.equal(position.size, CODE_ALPHABET.length);
      for (const [ch, n] of position) assert.ok(Math.abs(n - expected) < 200, `${ch}: ${n}`);
    }
  });

  it('verify the current and the previous step, not older nor future ones', () => {
    fc.assert(
      fc.property(anySecret, anyInstant, (secret, at) => {
        const step = Math.floor(at.getTime() / STEP);
        assert.deepEqual(verifyCode(secret, codeAt(secret, at), at), { step, stepsBack: 0 });
        assert.deepEqual(verifyCode(secret, codeAt(secret, later(at, -STEP)), at), { step: step - 1, stepsBack: 1 });
        assert.equal(verifyCode(secret, codeAt(secret, later(at, -2 * STEP)), at), null);
        assert.equal(verifyCode(secret, codeAt(secret, later(at, STEP)), at), null);
        assert.equal(verifyCode(newNodeSecret(), codeAt(secret, at), at), null, "another node's code");
      }),
    );
  });

  it('accept as many earlier steps as asked, and a custom step length', () => {
    const secret = newNodeSecret();
    const at = new Date('2026-06-15T17:00:10Z');
    assert.equal(verifyCode(secret, codeAt(secret, later(at, -STEP)), at, { acceptPrevious: 0 }), null);
    assert.equal(verifyCode(secret, codeAt(secret, later(at, -3 * STEP)), at, { acceptPrevious: 3 })?.stepsBack, 3);
    assert.equal(verifyCode(secret, codeAt(secret, later(at, -30_000), 30), at, { stepSeconds: 30 })?.stepsBack, 1);
    assert.throws(() => verifyCode(secret, 'AAAAAA', at, { acceptPrevious: -1 }), RangeError);
    assert.throws(() => codeAt(secret, at, 0), RangeError);
  });

  it('forgive case, spaces, dashes and look-alikes when verifying', () => {
    const messUp = fc.record({
      lower: fc.boolean(), separator: fc.constantFrom('', ' ', '-', '  ', '\t', '·'), lookAlike: fc.boolean(),
    });
    const back: Record<string, string> = { 5: 'S', 2: 'Z', 8: 'B', 6: 'G', U: 'V', K: 'К', M: 'Μ', P: 'Р' };
    fc.assert(
      fc.property(anySecret, anyInstant, messUp, (secret, at, { lower, separator, lookAlike }) => {
        let typed = codeAt(secret, at);
        if (lookAlike) typed = [...typed].map((ch) => back[ch] ?? ch).join('');
        typed = ` ${typed.slice(0, 3)}${separator}${typed.slice(3)} `;
        if (lower) typed = typed.toLowerCase();
        assert.equal(verifyCode(secret, typed, at)?.stepsBack, 0, typed);
      }),
    );
  });

  it('normalize typed input to the alphabet', () => {
    assert.equal(normalizeCode(' k7h-m2q '), 'K7HM2Q');
    assert.equal(normalizeCode('sz bg v'), '5286U');
    assert.equal(normalizeCode('Ｋ７Ｈ　ｍ２ｑ'), 'K7HM2Q'); // full-width, ideographic space
    assert.equal(normalizeCode('КМР ТХА'), 'KMPTXA'); // Cyrillic
    assert.equal(normalizeCode('ΚΜΡ ΤΧΑ'), 'KMPTXA'); // Greek
    assert.equal(displayCode('K7HM2Q'), 'K7H M2Q');
  });

  it('refuse wrong lengths and symbols outside the alphabet without throwing', () => {
    const secret = newNodeSecret();
    const at = new Date('2026-06-15T17:00:10Z');
    const code = codeAt(secret, at);
    for (const typed of ['', code.slice(0, 5), `${code}7`, `${code.slice(0, 5)}0`, `${code.slice(0, 5)}é`, 'O'.repeat(6), '😀'.repeat(6)]) {
      assert.equal(verifyCode(secret, typed, at), null, typed);
    }
  });

  it('refuse a malformed node secret', () => {
    for (const secret of ['', 'short', 'not base64!'.repeat(4)]) {
      assert.throws(() => codeAt(secret, new Date()), RangeError);
    }
    assert.equal(Buffer.from(newNodeSecret(), 'base64url').length, 32);
  });

  it('count down the seconds left in the step for the marshal', () => {
    assert.equal(secondsLeft(new Date('2026-06-15T17:00:00Z')), 60);
    assert.equal(secondsLeft(new Date('2026-06-15T17:00:45.500Z')), 14.5);
    assert.equal(secondsLeft(new Date('2026-06-15T17:00:59.999Z')), 0.001);
    assert.equal(secondsLeft(new Date('2026-06-15T17:00:20Z'), 30), 10);
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: 1, max: 600 }), (at, step) => {
        const left = secondsLeft(at, step);
        assert.ok(left > 0 && left <= step);
        const turn = later(at, left * 1000);
        assert.notEqual(Math.floor(turn.getTime() / (step * 1000)), Math.floor(at.getTime() / (step * 1000)));
      }),
    );
  });
});
