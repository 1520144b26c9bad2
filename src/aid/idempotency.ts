import type { Kysely } from 'kysely';
import { addMs, instant } from '../core/clock.ts';
import { invalid } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import type { Database } from '../store/schema.ts';

/**
 * `Idempotency-Key` on creates: a phone that lost the answer and sends again gets the first
 * result, not a second need. The key is scoped to the operation, the network and the caller
 * (the account, or nobody), and stored only as a hash. A key reused with a different body is
 * refused rather than silently answered with something else. Records last a day.
 */
const lifetimeMs = 24 * 60 * 60 * 1000;

export interface IdempotentRequest {
  keyHash: string;
  fingerprint: string;
}

export function idempotentRequest(key: string | undefined, scope: string, body: unknown): IdempotentRequest | null {
  if (key === undefined) return null;
  return { keyHash: hashToken(`${scope}\0${key}`), fingerprint: hashToken(JSON.stringify(body)) };
}

export interface Remembered {
  targetId: string;
  sealedTicket: string | null;
}

/** The earlier result for this key, if any; a 422 if the key came with another body. */
export async function recall(db: Kysely<Database>, request: IdempotentRequest, now: Date): Promise<Remembered | null> {
  const row = await db
    .selectFrom('aid_idempotency')
    .selectAll()
    .where('key_hash', '=', request.keyHash)
    .where('expires_at', '>', instant(now))
    .executeTakeFirst();
  if (!row) return null;
  if (row.fingerprint !== request.fingerprint) {
    throw invalid('idempotency_key_reused', { 'idempotency-key': 'Already used for a different request; send a new key' });
  }
  return { targetId: row.target_id, sealedTicket: row.sealed_ticket };
}

/** Records the result in the creating transaction; a concurrent twin fails on the primary key. */
export async function remember(db: Kysely<Database>, request: IdempotentRequest, result: Remembered, now: Date): Promise<void> {
  await db.deleteFrom('aid_idempotency').where('key_hash', '=', request.keyHash).where('expires_at', '<=', instant(now)).execute();
  await db
    .insertInto('aid_idempotency')
    .values({
      key_hash: request.keyHash,
      fingerprint: request.fingerprint,
      target_id: result.targetId,
      sealed_ticket: result.sealedTicket,
      created_at: instant(now),
      expires_at: instant(addMs(now, lifetimeMs)),
    })
    .execute();
}

/** Retention: forgets expired records (they may hold a sealed ticket). */
export async function forgetExpired(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('aid_idempotency').where('expires_at', '<=', instant(now)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
