import { OpenAPIHono } from '@hono/zod-openapi';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiInfo, createApi } from './app.ts';
import type { AppEnv } from './env.ts';

export const committedDocumentPath = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

/** The OpenAPI document, generated from the same route declarations that run. */
export function openApiDocument(): object {
  const root = new OpenAPIHono<AppEnv>();
  root.route('/api/v1', createApi());
  return root.getOpenAPI31Document(apiInfo);
}

export function renderDocument(): string {
  return JSON.stringify(openApiDocument(), null, 2) + '\n';
}

// `npm run openapi` regenerates docs/openapi.json.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(committedDocumentPath, renderDocument());
  process.stdout.write(`wrote ${committedDocumentPath}\n`);
}
