import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { Problem, invalid, type FieldErrors } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';

export function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem.toJSON()), {
    status: problem.status,
    headers: { 'Content-Type': 'application/problem+json', ...problem.headers },
  });
}

/** Zod issues become one message per field; unknown fields get their own code. */
export function validationProblem(error: ZodError, where: string): Problem {
  const fields: FieldErrors = {};
  let unknown = false;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      unknown = true;
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'Unknown field';
      continue;
    }
    const name = issue.path.length ? issue.path.join('.') : where;
    fields[name] ??= issue.message;
  }
  return invalid(unknown ? 'unknown_field' : 'invalid_input', fields);
}

/** A request body that does not parse as JSON. */
export const malformedBody = (): Problem => new Problem(400, 'malformed_body', 'The request body is not valid JSON', {});

/** Turns anything thrown in a route into problem+json; unexpected errors are logged, not shown. */
export function toProblemResponse(err: unknown, c: Context, log: Logger): Response {
  return problemResponse(problemOf(err, log, { route: c.req.routePath, method: c.req.method }));
}

/** The problem to answer for anything thrown while answering `where` (also the lean path's, http/lean.ts). */
export function problemOf(err: unknown, log: Logger, where: { route: string; method: string }): Problem {
  if (err instanceof Problem) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400) return malformedBody();
    if (err.status === 413) return new Problem(413, 'body_too_large', 'The request body is too large');
    return new Problem(err.status, `http_${err.status}`, err.message || 'Request failed');
  }
  log.error('unhandled error', { ...where, error: (err as Error)?.stack ?? String(err) });
  return new Problem(500, 'internal', 'Something went wrong on the server');
}
