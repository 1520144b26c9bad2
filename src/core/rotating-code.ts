import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * The check-in code marshals show at a staging point. Whoever types the current code is
 * present and may receive the `present` tier. It changes every step (60 s), so a code
 * passed on by message from someone far away is soon worthless.
 *
 * Derivation is TOTP-like (RFC 6238): HMAC-SHA256(node secret, step counter as 8 bytes
 * big-endian), counter = floor(unix seconds / step). Instead of RFC 4226's 31-bit decimal
 * truncation we read 48 bits and spell them in a 26-symbol alphabet: six symbols then
 * cover 26^6 ≈ 3.1e8 codes with a bias below one in 900 000 (31 bits would make some codes
 * a sixth likelier than others).
 *
 * The alphabet leaves out 0/O, 1/I/L entirely, and keeps only one symbol of each pair that
 * people mix up on a screen (5/S, 2/Z, 8/B, 6/G, U/V), so what is typed can be folded back:
 * S -> 5, Z -> 2, B -> 8, G -> 6, V -> U. Dropping B, V, Z also thins out the letters that
 * sound alike when read aloud (bee, vee, zee). Phone keyboards set to Cyrillic or Greek
 * produce look-alike letters (Cyrillic К, Greek Μ), which are folded to Latin too.
 */
export const CODE_ALPHABET = '23456789ACDEFHJKMNPQRTUWXY';
export const CODE_LENGTH = 6;
export const DEFAULT_STEP_SECONDS = 60;

export interface VerifyOptions {
  stepSeconds?: number;
  /** How many earlier steps still count: people type slowly and the code may turn meanwhile. */
  acceptPrevious?: number;
}

/** Which step's code was typed: `stepsBack` 0 is the code on the marshal's screen now. */
export interface CodeMatch {
  step: number;
  stepsBack: number;
}

const SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 16;
const MAX_ACCEPT_PREVIOUS = 10;

const lookAlikes: Record<string, string> = {
  S: '5', Z: '2', B: '8', G: '6', V: 'U',
  // Cyrillic capitals
  А: 'A', В: '8', Е: 'E', З: '3', К: 'K', М: 'M', Н: 'H', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', Ѕ: '5', Ј: 'J',
  // Greek capitals
  Α: 'A', Β: '8', Ε: 'E', Ζ: '2', Η: 'H', Κ: 'K', Μ: 'M', Ν: 'N', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
const plainAscii = /^[A-Za-z0-9]*$/;
const asciiLookAlikes = /[SZBGV]/g;
const onlyAlphabet = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A new per-node secret (base64url). Store it sealed with the action key so it is erased with the action. */
export function newNodeSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * A node secret made ready to use: its HMAC key, and the codes of the last few steps asked
 * for. Everyone at a staging point types the same code in the same minute, so a crowd's
 * check-ins need one HMAC per step instead of two each.
 */
export interface CodeKey {
  readonly key: KeyObject;
  readonly codes: Map<number, string>;
}

const REMEMBERED_STEPS = 4;

export function codeKey(secret: string): CodeKey {
  return { key: secretKey(secret), codes: new Map() };
}

/** The code for the step containing `instant`. */
export function codeAt(secret: string | CodeKey, instant: Date, stepSeconds = DEFAULT_STEP_SECONDS): string {
  return codeForStep(asCodeKey(secret), stepAt(instant, stepSeconds));
}

/**
 * Checks a typed code against the current step and `acceptPrevious` earlier ones. Never a
 * later step: the server's clock is the one the marshal's screen follows.
 */
export function verifyCode(secret: string | CodeKey, input: string, instant: Date, options: VerifyOptions = {}): CodeMatch | null {
  const { stepSeconds = DEFAULT_STEP_SECONDS, acceptPrevious = 1 } = options;
  if (!Number.isInteger(acceptPrevious) || acceptPrevious < 0 || acceptPrevious > MAX_ACCEPT_PREVIOUS) {
    throw new RangeError(`acceptPrevious must be a whole number from 0 to ${MAX_ACCEPT_PREVIOUS}`);
  }
  const key = asCodeKey(secret);
  const current = stepAt(instant, stepSeconds);
  const typed = normalizeCode(input);
  // The alphabet and length are public, so refusing other input early reveals nothing.
  if (!onlyAlphabet.test(typed)) return null;
  const typedBytes = Buffer.from(typed, 'ascii');
  let match: CodeMatch | null = null;
  // Compare against every candidate, in constant time, so timing does not tell which step was close.
  for (let stepsBack = 0; stepsBack <= acceptPrevious && current - stepsBack >= 0; stepsBack++) {
    const expected = Buffer.from(codeForStep(key, current - stepsBack), 'ascii');
    if (timingSafeEqual(expected, typedBytes) && match === null) match = { step: current - stepsBack, stepsBack };
  }
  return match;
}

/** What a person typed, as the alphabet spells it: case, separators and look-alikes folded. */
export function normalizeCode(input: string): string {
  // Plain ASCII letters and digits, as most phones send: NFKC and the separators change nothing.
  if (plainAscii.test(input)) return input.toUpperCase().replace(asciiLookAlikes, (ch) => lookAlikes[ch]!);
  // NFKC turns full-width forms (Ｋ７) from CJK keyboards into plain ones.
  const letters = input.normalize('NFKC').toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');
  return Array.from(letters, (ch) => lookAlikes[ch] ?? ch).join('');
}

/** Split in two halves for reading aloud and for the screen: "K7H M2Q". */
export function displayCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** Seconds until the code turns, in (0, stepSeconds], to the millisecond: the marshal's countdown ring. */
export function secondsLeft(instant: Date, stepSeconds = DEFAULT_STEP_SECONDS): number {
  const stepMs = checkStep(stepSeconds) * 1000;
  if (Number.isNaN(instant.getTime())) throw new RangeError('instant must be a valid Date');
  const into = ((instant.getTime() % stepMs) + stepMs) % stepMs;
  return (stepMs - into) / 1000;
}

function asCodeKey(secret: string | CodeKey): CodeKey {
  return typeof secret === 'string' ? codeKey(secret) : secret;
}

function codeForStep({ key, codes }: CodeKey, step: number): string {
  let code = codes.get(step);
  if (code === undefined) {
    code = computeCode(key, step);
    if (codes.size >= REMEMBERED_STEPS) codes.delete(codes.keys().next().value!);
    codes.set(step, code);
  }
  return code;
}

function computeCode(key: KeyObject, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  let n = createHmac('sha256', key).update(counter).digest().readUIntBE(0, 6);
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    code += CODE_ALPHABET.charAt(n % CODE_ALPHABET.length);
    n = Math.floor(n / CODE_ALPHABET.length);
  }
  return code;
}

function stepAt(instant: Date, stepSeconds: number): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('instant must be a valid Date after 1970');
  return Math.floor(ms / (checkStep(stepSeconds) * 1000));
}

function checkStep(stepSeconds: number): number {
  if (!Number.isInteger(stepSeconds) || stepSeconds < 1) throw new RangeError('stepSeconds must be a whole number ≥ 1');
  return stepSeconds;
}

/** As a KeyObject: HMAC keyed by one is several times cheaper than by raw bytes. */
function secretKey(secret: string): KeyObject {
  const bytes = /^[A-Za-z0-9_-]+$/.test(secret) ? Buffer.from(secret, 'base64url') : Buffer.alloc(0);
  if (bytes.length < MIN_SECRET_BYTES) throw new RangeError('node secret must be base64url of at least 16 bytes');
  return createSecretKey(bytes);
}
