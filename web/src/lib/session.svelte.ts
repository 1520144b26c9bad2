import { api, asApiError, onSessionRefreshed, setCsrfToken, type ApiError } from './api.ts';
import type { Me, SessionInfo } from './types.ts';

/** Who is using the app. Loaded once on start, and again after logging in or out. */
export const session = $state<{ user: Me | null; loaded: boolean; error: ApiError | null }>({
  user: null,
  loaded: false,
  error: null,
});

export function applySession(info: SessionInfo): void {
  session.user = info.user;
  setCsrfToken(info.csrfToken);
}

onSessionRefreshed(applySession);

export async function loadSession(): Promise<void> {
  try {
    applySession(await api.get<SessionInfo>('/session'));
    session.error = null;
  } catch (err) {
    session.error = asApiError(err);
  } finally {
    session.loaded = true;
  }
}

/** After sign-up, log-in or setup: take the answer, then read the session the server now holds. */
export async function startSession(info: SessionInfo): Promise<void> {
  applySession(info);
  await loadSession();
}

export async function logOut(): Promise<void> {
  await api.delete('/session');
  applySession({ user: null, csrfToken: null });
  await loadSession();
}
