import { z } from '@hono/zod-openapi';

const pathParam = (name: string) => z.string().openapi({ param: { name, in: 'path' } });

export const slugParam = z.object({ slug: pathParam('slug') });
export const memberParams = slugParam.extend({ handle: pathParam('handle') });
export const requestParams = slugParam.extend({ id: pathParam('id') });
export const invitationParams = slugParam.extend({ id: pathParam('id') });
export const tokenParam = z.object({ token: pathParam('token') });
