import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { z } from '@hono/zod-openapi';
import type { AppDeps } from './env.ts';
import { callerNetwork, maxApiBody, securityHeaderSet } from './middleware.ts';
import { malformedBody, problemOf, validationProblem } from './problems.ts';

/**
 * The lean path. A staging point checking in sends thousands of one small request a minute,
 * and Hono's pipeline around it (a web Request, the middleware chain, validators, a web
 * Response) costs more CPU than the check-in itself. A route declared with endpoint() can
 * also be answered here, straight from node:http ahead of Hono: with the route's own
 * schemas, the same handler code, the same headers and the same problem answers. Only
 * requests in the plain shape a phone sends are taken: no cookie and no Authorization (so
 * no actor, and no CSRF to check), no query, no percent-escapes in the path, and a JSON body
 * of declared length within the API's limit. Anything else goes to Hono, as before.
 * src/actions/checkin-lean.test.ts holds both paths to the same answers.
 */

/** The declared shape a lean route needs: what endpoint() returns for a JSON POST with path params and headers. */
export interface LeanRoute<P extends z.ZodType, H extends z.ZodType, B extends z.ZodType> {
  /** Open to anyone: the lean path has no actor to pass a stricter gate. */
  'x-access': 'anyone';
  method: 'post';
  path: string;
  request: { params: P; headers: H; body: { content: { 'application/json': { schema: B } } } };
}

/** What a lean handler is given: validated inputs, and the caller's network (there is no actor). */
export interface LeanCall<P, H, B> {
  deps: AppDeps;
  networkKey: string;
  params: P;
  headers: H;
  body: B;
}

export interface LeanEndpoint {
  /** For logs: the route pattern, as Hono names it. */
  readonly route: string;
  /** The path's parameters when it is this route's, else null. */
  match(path: string): Record<string, string> | null;
  answer(deps: AppDeps, req: IncomingMessage, params: Record<string, string>, body: string): Promise<{ status: number; json: unknown }>;
}

const apiBase = '/api/v1';
/** JSON of the plain kind; anything fancier is Hono's to judge. */
const plainJson = /^application\/json(;\s*charset=utf-8)?$/i;
const utf8 = new TextDecoder();

/** A lean twin of a declared JSON POST route, answering `status` with what the handler returns. */
export function leanEndpoint<P extends z.ZodType, H extends z.ZodType, B extends z.ZodType>(
  route: LeanRoute<P, H, B>,
  status: number,
  handler: (call: LeanCall<z.output<P>, z.output<H>, z.output<B>>) => Promise<unknown>,
): LeanEndpoint {
  const names: string[] = [];
  // Parameters never hold '/', and '%' sends the request to Hono, which decodes it.
  const source = (apiBase + route.path).replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/%]+)';
  });
  const pattern = new RegExp(`^${source}$`);
  const { params: paramSchema, headers: headerSchema, body } = route.request;
  const bodySchema = body.content['application/json'].schema;
  // Hono's own checks, in Hono's order: params, headers, then the body.
  const valid = <S extends z.ZodType>(schema: S, value: unknown, target: string): z.output<S> => {
    const result = schema.safeParse(value);
    if (!result.success) throw validationProblem(result.error, target);
    return result.data;
  };
  return {
    route: (apiBase + route.path).replace(/\{(\w+)\}/g, ':$1'),
    match(path) {
      const found = pattern.exec(path);
      if (!found) return null;
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = found[i + 1]!));
      return params;
    },
    async answer(deps, req, rawParams, text) {
      const params = valid(paramSchema, rawParams, 'param');
      const headers = valid(headerSchema, req.headers, 'header');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw malformedBody();
      }
      const forwarded = req.headers['x-forwarded-for'];
      const networkKey = callerNetwork(deps, req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(', ') : forwarded);
      return { status, json: await handler({ deps, networkKey, params, headers, body: valid(bodySchema, json, 'json') }) };
    },
  };
}

/** The lean endpoint for this request and its parameters, or null when Hono should answer it. */
function take(req: IncomingMessage, endpoints: readonly LeanEndpoint[]): { endpoint: LeanEndpoint; params: Record<string, string> } | null {
  const { headers } = req;
  if (req.method !== 'POST' || headers.cookie !== undefined || headers.authorization !== undefined) return null;
  if (headers['transfer-encoding'] !== undefined || !plainJson.test(headers['content-type'] ?? '')) return null;
  const length = Number(headers['content-length']);
  if (!Number.isInteger(length) || length > maxApiBody) return null;
  const path = req.url ?? '';
  if (path.includes('?')) return null;
  for (const endpoint of endpoints) {
    const params = endpoint.match(path);
    if (params) return { endpoint, params };
  }
  return null;
}

/** Node's request listener: the lean endpoints first, then `fallback` (Hono) for everything else. */
export function leanListener(deps: AppDeps, endpoints: readonly LeanEndpoint[], fallback: RequestListener): RequestListener {
  const security = securityHeaderSet(deps.config.mapTiles).api;
  const send = (res: ServerResponse, status: number, type: string, body: string, extra?: Record<string, string>) => {
    const headers: Record<string, string | number> = { 'content-type': type, 'content-length': Buffer.byteLength(body) };
    for (const [name, value] of security) headers[name] = value;
    if (extra) Object.assign(headers, extra);
    res.writeHead(status, headers).end(body);
  };
  return (req, res) => {
    const taken = take(req, endpoints);
    if (!taken) return fallback(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = utf8.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      taken.endpoint.answer(deps, req, taken.params, body).then(
        ({ status, json }) => send(res, status, 'application/json', JSON.stringify(json)),
        (err: unknown) => {
          const problem = problemOf(err, deps.log, { route: taken.endpoint.route, method: 'POST' });
          send(res, problem.status, 'application/problem+json', JSON.stringify(problem.toJSON()), problem.headers);
        },
      );
    });
  };
}
