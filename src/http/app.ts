import { OpenAPIHono } from '@hono/zod-openapi';
import { existsSync } from 'node:fs';
import { notFound } from '../core/errors.ts';
import { ping } from '../store/store.ts';
import type { AppDeps, AppEnv } from './env.ts';
import type { LeanEndpoint } from './lean.ts';
import { authenticate, limitBody, maxApiBody, provideDeps, securityHeaders } from './middleware.ts';
import { problemResponse, toProblemResponse, validationProblem } from './problems.ts';
import { webAssets, webIndex } from './web.ts';
import { accountRoutes } from '../accounts/routes.ts';
import { groupRoutes } from '../groups/routes.ts';
import { actionRoutes, leanActionEndpoints } from '../actions/routes.ts';
import { aidRoutes } from '../aid/routes.ts';

export const apiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Blossom API',
    version: '1',
    description: 'Organize without bosses. Errors are application/problem+json with a stable `code`.',
  },
} as const;

/** One OpenAPIHono per capability area would work too; one API app keeps the hook in one place. */
export function createApi(): OpenAPIHono<AppEnv> {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'blossom_session',
    description: 'Browser session; writes also need the X-CSRF-Token header from GET /api/v1/session.',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'token', {
    type: 'http',
    scheme: 'bearer',
    description: 'Personal access token, made in account settings or with `blossom user token`.',
  });
  accountRoutes(api);
  groupRoutes(api);
  actionRoutes(api);
  aidRoutes(api);
  return api;
}

/** Routes that crowds call all at once, also answered ahead of Hono (lean.ts). */
export const leanEndpoints: readonly LeanEndpoint[] = [...leanActionEndpoints];

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.onError((err, c) => toProblemResponse(err, c, deps.log));
  app.notFound((c) => (c.req.path.startsWith('/api/') ? problemResponse(notFound()) : c.text('Not found', 404)));

  app.use('*', securityHeaders(deps.config.mapTiles));
  app.use('*', provideDeps(deps));
  app.use('/api/*', limitBody(maxApiBody));
  app.use('/api/*', authenticate);

  app.get('/healthz', async (c) => {
    await ping(deps.store);
    return c.json({ status: 'ok' });
  });
  app.route('/api/v1', createApi());
  app.doc31('/api/openapi.json', apiInfo);

  if (existsSync(webIndex)) app.route('/', webAssets());
  return app;
}
