import { z } from '@hono/zod-openapi';
import { cleanTicket } from './policy.ts';

const pathParam = (name: string) => z.string().max(200).openapi({ param: { name, in: 'path' } });

export const slugParam = z.object({ slug: pathParam('slug') });
export const idParam = z.object({ id: pathParam('id') });

/** Header only, never the query: a query string ends up in browser history and proxy logs. */
export const ticketHeaders = z.object({
  'x-blossom-ticket': z.string().max(512).optional().openapi({ description: 'The device ticket returned when the need was posted; makes the caller its poster.' }),
});

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(8, '8 to 200 visible characters')
    .max(200, '8 to 200 visible characters')
    .regex(/^[\x21-\x7e]+$/, '8 to 200 visible characters')
    .optional()
    .openapi({ description: 'A random value (e.g. a UUID) per submission; sending the same request again with it returns the first result instead of a duplicate. Kept for 24 hours.' }),
});

export function ticketOf(c: { req: { header(name: string): string | undefined } }): string | null {
  return cleanTicket(c.req.header('x-blossom-ticket'));
}

export const replayedHeader = { 'Idempotent-Replayed': { description: '"true" when this answers an earlier request with the same Idempotency-Key.', schema: { type: 'string' as const } } };
