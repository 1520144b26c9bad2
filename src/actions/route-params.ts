import { z } from '@hono/zod-openapi';
import { cleanTicket } from './policy.ts';

const pathParam = (name: string) => z.string().max(200).openapi({ param: { name, in: 'path' } });

export const slugParam = z.object({ slug: pathParam('slug') });
export const nodeParams = slugParam.extend({ nodeId: pathParam('nodeId') });
export const disclosureParams = slugParam.extend({ id: pathParam('id') });

/**
 * The device ticket travels in a header, or in the query where the client cannot set
 * headers (EventSource). Declared on every route that computes the caller's tier.
 */
export const ticketQuery = z.object({
  ticket: z.string().max(512).optional().openapi({ description: 'The device ticket, when X-Blossom-Ticket cannot be sent.' }),
});
export const ticketHeaders = z.object({
  'x-blossom-ticket': z.string().max(512).optional().openapi({ description: 'The device ticket from the RSVP.' }),
});

/** The header wins over the query, which may have been copied from someone else's link. */
export function ticketOf(c: { req: { header(name: string): string | undefined; query(name: string): string | undefined } }): string | null {
  return cleanTicket(c.req.header('x-blossom-ticket')) ?? cleanTicket(c.req.query('ticket'));
}
