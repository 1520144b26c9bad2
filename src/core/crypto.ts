import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Encryption at rest for action secrets, built so that they can be destroyed for good.
 *
 * Two layers (envelope encryption):
 *   master secret --HKDF-SHA256(purpose)--> key-encryption key (KEK, never stored)
 *   per-action data key (32 random bytes) --AES-256-GCM under the KEK--> wrapped key (stored)
 *   disclosure text --AES-256-GCM under the data key--> sealed text (stored)
 *
 * Crypto-erase: the data key is random, not derived, so once its wrapped copy is deleted
 * no secret (not even the master secret) can recover it and every sealed text of that
 * action is noise. Deleting the wrapped key is the whole erasure — but it must really
 * leave the disk: SQLite keeps deleted bytes in free pages and the WAL unless
 * `secure_delete` is on, PostgreSQL until VACUUM, and backups until they age out.
 *
 * Wire format of a wrapped key and of a sealed text (base64url, no padding):
 *   version (1 byte, 0x01) | nonce (12 random bytes) | ciphertext | GCM tag (16 bytes)
 * The GCM additional data is `blossom/<kind>/v1\0<aad>`, binding each ciphertext to its
 * kind, its format version and its row (`action:<id>`, `disclosure:<id>`), so a ciphertext
 * copied onto another row, or a wrapped key pasted where a sealed text goes, fails to open.
 */

declare const kekBrand: unique symbol;
declare const dataKeyBrand: unique symbol;
/** Opaque keys (Node KeyObjects print and serialize without their bytes, so they cannot leak into logs). */
export type Kek = KeyObject & { readonly [kekBrand]: true };
export type DataKey = KeyObject & { readonly [dataKeyBrand]: true };

/** Why a ciphertext would not open. GCM cannot tell a wrong key from a wrong AAD or tampering, by design. */
export type CryptoFailure = 'malformed' | 'unsupported_version' | 'cannot_open' | 'bad_input';

/** A server-side failure (a 500, never shown to a person in detail). */
export class CryptoError extends Error {
  readonly reason: CryptoFailure;
  constructor(reason: CryptoFailure, message: string) {
    super(message);
    this.name = 'CryptoError';
    this.reason = reason;
  }
}

const VERSION = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEADER_BYTES = 1 + NONCE_BYTES;
// A fixed salt is fine for HKDF when the input is already high-entropy (RFC 5869 §3.1); it
// keeps Blossom's keys apart from anything else ever derived from the same secret.
const HKDF_SALT = Buffer.from('blossom/kek-salt/v1', 'utf8');
const MIN_MASTER_SECRET = 32;

type Kind = 'key' | 'seal';

/** Same master secret and purpose give the same KEK on every node of a scaled-out deployment. */
export function deriveKek(masterSecret: string, purpose: string): Kek {
  if (masterSecret.length < MIN_MASTER_SECRET) {
    throw new CryptoError('bad_input', `master secret must be at least ${MIN_MASTER_SECRET} characters`);
  }
  if (purpose.trim() === '') throw new CryptoError('bad_input', 'a KEK needs a purpose label, e.g. "action-key"');
  const bytes = hkdfSync('sha256', Buffer.from(masterSecret, 'utf8'), HKDF_SALT, `blossom/kek/${purpose}`, KEY_BYTES);
  return createSecretKey(Buffer.from(bytes)) as Kek;
}

/** A fresh per-action data key. Random rather than derived, which is what makes crypto-erase work. */
export function newDataKey(): DataKey {
  return createSecretKey(randomBytes(KEY_BYTES)) as DataKey;
}

/** The wrapped key is what the database stores; `aad` names the owning row, e.g. `action:<id>`. */
export function wrapKey(kek: Kek, dataKey: DataKey, aad: string): string {
  return encrypt(kek, 'key', dataKey.export(), aad);
}

export function unwrapKey(kek: Kek, wrapped: string, aad: string): DataKey {
  const bytes = decrypt(kek, 'key', wrapped, aad);
  if (bytes.length !== KEY_BYTES) throw new CryptoError('malformed', 'wrapped key has the wrong length');
  return createSecretKey(bytes) as DataKey;
}

/** Encrypts text for one row; `aad` names the row, e.g. `disclosure:<id>`. */
export function seal(dataKey: DataKey, plaintext: string, aad: string): string {
  // A lone surrogate would come back as U+FFFD: refuse rather than silently change a secret.
  if (!plaintext.isWellFormed()) throw new CryptoError('bad_input', 'plaintext is not well-formed Unicode');
  return encrypt(dataKey, 'seal', Buffer.from(plaintext, 'utf8'), aad);
}

export function open(dataKey: DataKey, sealed: string, aad: string): string {
  return decrypt(dataKey, 'seal', sealed, aad).toString('utf8');
}

function additionalData(kind: Kind, aad: string): Buffer {
  if (aad === '') throw new CryptoError('bad_input', 'AAD must name the row the ciphertext belongs to');
  return Buffer.from(`blossom/${kind}/v${VERSION}\0${aad}`, 'utf8');
}

function encrypt(key: KeyObject, kind: Kind, plaintext: Buffer, aad: string): string {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(kind, aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]).toString('base64url');
}

function decrypt(key: KeyObject, kind: Kind, text: string, aad: string): Buffer {
  checkKey(key);
  // Buffer's base64 decoder skips junk silently; insist on the exact alphabet instead.
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new CryptoError('malformed', `${what(kind)} is not base64url text`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length < HEADER_BYTES + TAG_BYTES) throw new CryptoError('malformed', `${what(kind)} is too short`);
  if (bytes[0] !== VERSION) throw new CryptoError('unsupported_version', `${what(kind)} has unknown format version ${bytes[0]}`);
  const nonce = bytes.subarray(1, HEADER_BYTES);
  const body = bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(kind, aad));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new CryptoError('cannot_open', `${what(kind)} does not open: wrong key, wrong row (AAD), or altered`);
  }
}

function checkKey(key: KeyObject): void {
  if (key.type !== 'secret' || key.symmetricKeySize !== KEY_BYTES) {
    throw new CryptoError('bad_input', `expected a ${KEY_BYTES}-byte secret key`);
  }
}

const what = (kind: Kind): string => (kind === 'key' ? 'wrapped key' : 'sealed text');
