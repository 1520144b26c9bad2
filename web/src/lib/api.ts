import { t } from '../i18n/i18n.ts';
import type { SessionInfo } from './types.ts';

/** An application/problem+json answer (or a network failure, code `network`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fields: Record<string, string>;

  constructor(status: number, code: string, title: string, detail?: string, fields: Record<string, string> = {}) {
    super(detail ?? title);
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.fields = fields;
  }
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'client', t('problem.client'), err instanceof Error ? err.message : undefined);
}

const base = '/api/v1';
let csrfToken: string | null = null;
let onSession: (info: SessionInfo) => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session module hears about session changes noticed here (a refreshed CSRF token). */
export function onSessionRefreshed(listener: (info: SessionInfo) => void): void {
  onSession = listener;
}

async function toError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page, say: fall back to the status.
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const fields = body.fields && typeof body.fields === 'object' ? (body.fields as Record<string, string>) : {};
  return new ApiError(
    res.status,
    str(body.code) ?? `http_${res.status}`,
    str(body.title) ?? t('problem.http', { status: res.status }),
    str(body.detail),
    fields,
  );
}

async function send(method: string, path: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(base + path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', t('problem.network'));
  }
}

/** `headers` carries what a cookie cannot, such as an action's device ticket (X-Blossom-Ticket). */
export async function request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  let res = await send(method, path, body, headers);
  if (res.status === 403 && method !== 'GET') {
    const err = await toError(res.clone());
    // The session may have been renewed in another tab: fetch its token and try once more.
    if (err.code === 'csrf_failed') {
      const info = await request<SessionInfo>('GET', '/session');
      csrfToken = info.csrfToken;
      onSession(info);
      res = await send(method, path, body, headers);
    }
  }
  if (!res.ok) {
    const err = await toError(res);
    // The session ended (expired, or logged out elsewhere): show the page as logged out.
    if (err.code === 'unauthenticated') onSession({ user: null, csrfToken: null });
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

export const enc = encodeURIComponent;
