import { invalid } from './errors.ts';

/**
 * Keyset paging cursors: the (created_at, id) of the last row shown, opaque to clients so
 * the ordering can change without breaking them.
 */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

/** The position a cursor names; anything this server did not give out is a 422 on `cursor`. */
export function decodeCursor(cursor: string): [createdAt: string, id: string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // falls through to the same answer as any other unreadable cursor
  }
  throw invalid('invalid_input', { cursor: 'Not a cursor this server gave out' });
}
