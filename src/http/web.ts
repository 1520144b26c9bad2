import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import type { AppEnv } from './env.ts';

export const webRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The built Svelte app; any unknown non-API path gets index.html so deep links work. */
export function webAssets(): Hono<AppEnv> {
  const web = new Hono<AppEnv>();
  const root = relative(process.cwd(), webRoot) || '.';
  const index = readFileSync(join(webRoot, 'index.html'), 'utf8');
  web.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  web.use('*', serveStatic({ root }));
  web.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return c.notFound();
    c.header('Cache-Control', 'no-cache');
    return c.html(index);
  });
  return web;
}
