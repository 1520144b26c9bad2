import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';

export function actionRoutes(_api: OpenAPIHono<AppEnv>): void {}
