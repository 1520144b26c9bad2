import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import type { AppEnv } from './env.ts';

export const webRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));
/** Present only once a build has finished writing (Vite empties the folder first). */
export const webIndex = join(webRoot, 'index.html');

/** The built Svelte app; any unknown non-API path gets index.html so deep links work. */
export function webAssets(): Hono<AppEnv> {
  const web = new Hono<AppEnv>();
  const root = relative(process.cwd(), webRoot) || '.';
  const index = readFileSync(webIndex, 'utf8');
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
