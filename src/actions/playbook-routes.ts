import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse } from '../http/endpoint.ts';
import { actionCalendar } from './calendar.ts';
import { playbookSchema } from './playbook-model.ts';
import { exportPlaybook, forkPlaybook } from './playbooks.ts';
import { slugParam } from './route-params.ts';
import { actionViewSchema } from './views.ts';

const tags = ['actions'];

const exportOne = endpoint({
  access: 'user', method: 'get', path: '/actions/{slug}/playbook', tags,
  summary: 'The action as a playbook other groups can fork: no secrets, no people (organizers)',
  request: { params: slugParam },
  responses: { 200: jsonResponse(playbookSchema, 'The playbook') },
});

const fork = endpoint({
  access: 'user', method: 'post', path: '/groups/{slug}/playbooks', tags,
  summary: 'Fork a playbook into a new draft for a group (coordinators); the group hosts its nodes',
  request: { params: slugParam, body: jsonBody(playbookSchema) },
  responses: { 201: jsonResponse(actionViewSchema, 'The new draft') },
});

const calendar = endpoint({
  access: 'anyone', method: 'get', path: '/actions/{slug}/calendar.ics', tags,
  summary: 'The public call as an iCalendar file, one event per city; nothing beyond the public tier',
  request: { params: slugParam },
  responses: { 200: { description: 'iCalendar (RFC 5545)', content: { 'text/calendar': { schema: z.string() } } } },
});

export function playbookRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(exportOne, async (c) => c.json(await exportPlaybook(ctxOf(c), c.req.valid('param').slug), 200));
  api.openapi(fork, async (c) => c.json(await forkPlaybook(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 201));
  api.openapi(calendar, async (c) => {
    const { slug } = c.req.valid('param');
    const base = c.get('deps').config.publicUrl ?? new URL(c.req.url).origin;
    const ics = await actionCalendar(ctxOf(c), slug, base);
    return c.body(ics, 200, {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="action-${slug.replace(/[^A-Za-z0-9_-]/g, '')}.ics"`,
    });
  });
}
