import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { unauthenticated, notFound } from '../core/errors.ts';
import type { AppEnv } from './env.ts';

/**
 * Who may call an endpoint at all. Finer rules (is this person a coordinator of this
 * group?) live in each capability's policy.ts; this is the gate every route must name.
 */
export type Access = 'anyone' | 'user' | 'admin';

const gate: Record<Access, MiddlewareHandler<AppEnv>> = {
  anyone: async (_c, next) => next(),
  user: async (c, next) => {
    if (!c.get('actor')) throw unauthenticated();
    await next();
  },
  admin: async (c, next) => {
    const actor = c.get('actor');
    if (!actor) throw unauthenticated();
    // Admin pages are not advertised to others.
    if (!actor.isAdmin) throw notFound();
    await next();
  },
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable machine-readable error code.' }),
    detail: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional().openapi({ description: 'Field name to what is wrong with it.' }),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/** The errors any endpoint may answer; listed once so the OpenAPI document is honest. */
const commonErrors = {
  400: problem('Malformed request (for example, invalid JSON).'),
  401: problem('Log in first.'),
  404: problem('Not found, or hidden from you.'),
  409: problem('Conflicts with the current state.'),
  422: problem('Input failed validation; `fields` names each problem.'),
  429: problem('Too many attempts.'),
};

type EndpointConfig = Omit<RouteConfig, 'middleware' | 'security'> & { access: Access };

/** Declares an endpoint: its access gate is required, and shows up in the OpenAPI document. */
export function endpoint<const C extends EndpointConfig>(config: C) {
  const { access, responses, ...rest } = config;
  return createRoute({
    ...rest,
    responses: { ...commonErrors, ...responses },
    security: access === 'anyone' ? [] : [{ session: [] }, { token: [] }],
    middleware: [gate[access]],
    'x-access': access,
  } as Omit<C, 'access'> & { middleware: [MiddlewareHandler<AppEnv>]; security: RouteConfig['security']; 'x-access': C['access'] });
}

/** A required JSON body: requests without `Content-Type: application/json` are refused. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

export const noContent = { description: 'Done; nothing to return.' } as const;
