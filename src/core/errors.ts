/**
 * Errors that reach a person. `code` is the stable contract for clients; `title` and
 * `detail` are for people and may change. Served as application/problem+json (RFC 9457).
 */
export type FieldErrors = Record<string, string>;

export class Problem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly fields: FieldErrors | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: string, title: string, opts: { detail?: string; fields?: FieldErrors; headers?: Record<string, string> } = {}) {
    super(title);
    this.status = status;
    this.code = code;
    this.detail = opts.detail;
    this.fields = opts.fields;
    this.headers = opts.headers;
  }

  toJSON(): Record<string, unknown> {
    return {
      type: `https://blossom.invalid/problems/${this.code}`,
      title: this.message,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.fields ? { fields: this.fields } : {}),
    };
  }
}

/** One body for everything hidden or missing, so nobody can probe what exists. */
export const notFound = (): Problem => new Problem(404, 'not_found', 'Not found');

export const unauthenticated = (): Problem => new Problem(401, 'unauthenticated', 'Log in first');

export const forbidden = (detail?: string): Problem =>
  new Problem(403, 'forbidden', 'Not allowed', detail ? { detail } : {});

export const invalid = (code: string, fields: FieldErrors, detail?: string): Problem =>
  new Problem(422, code, 'Some fields need another look', { fields, ...(detail ? { detail } : {}) });

export const conflict = (code: string, detail: string, fields?: FieldErrors): Problem =>
  new Problem(409, code, 'Conflict', { detail, ...(fields ? { fields } : {}) });

export const gone = (code: string, detail: string): Problem => new Problem(410, code, 'No longer valid', { detail });

export const tooManyRequests = (retryAfterSeconds: number): Problem =>
  new Problem(429, 'rate_limited', 'Too many attempts', {
    detail: `Try again in ${retryAfterSeconds} seconds.`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
