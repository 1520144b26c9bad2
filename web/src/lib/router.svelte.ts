import { tick } from 'svelte';

export type RouteName =
  | 'home'
  | 'signup'
  | 'login'
  | 'logout'
  | 'groups'
  | 'newGroup'
  | 'group'
  | 'invite'
  | 'settings'
  | 'setup'
  | 'newAction'
  | 'action'
  | 'actionConsole'
  | 'actionLive'
  | 'aid'
  | 'aidNeedNew'
  | 'aidOfferNew'
  | 'aidDispatch'
  | 'aidNeed'
  | 'aidHelper'
  | 'notFound';

export interface Route {
  name: RouteName;
  /** The one path parameter a route may have: a group or action slug, or a token. */
  param: string;
}

const table: [RouteName, RegExp][] = [
  ['home', /^\/$/],
  ['signup', /^\/signup\/?$/],
  ['login', /^\/login\/?$/],
  ['logout', /^\/logout\/?$/],
  ['groups', /^\/groups\/?$/],
  ['newGroup', /^\/groups\/new\/?$/],
  ['group', /^\/g\/([^/]+)\/?$/],
  ['invite', /^\/invite\/([^/]+)\/?$/],
  ['settings', /^\/settings\/?$/],
  ['setup', /^\/setup\/([^/]+)\/?$/],
  ['newAction', /^\/g\/([^/]+)\/actions\/new\/?$/],
  ['action', /^\/a\/([^/]+)\/?$/],
  ['actionConsole', /^\/a\/([^/]+)\/console\/?$/],
  ['actionLive', /^\/a\/([^/]+)\/live\/?$/],
  // Mutual aid: a network's pages, one need (the poster's ticket never goes in the address), the helper's dashboard.
  ['aid', /^\/g\/([^/]+)\/aid\/?$/],
  ['aidNeedNew', /^\/g\/([^/]+)\/aid\/need\/?$/],
  ['aidOfferNew', /^\/g\/([^/]+)\/aid\/offer\/?$/],
  ['aidDispatch', /^\/g\/([^/]+)\/aid\/dispatch\/?$/],
  ['aidNeed', /^\/aid\/needs\/([^/]+)\/?$/],
  ['aidHelper', /^\/aid\/?$/],
];

export function match(path: string): Route {
  for (const [name, pattern] of table) {
    const found = pattern.exec(path);
    if (!found) continue;
    let param = found[1] ?? '';
    try {
      param = decodeURIComponent(param);
    } catch {
      return { name: 'notFound', param: '' };
    }
    return { name, param };
  }
  return { name: 'notFound', param: '' };
}

/** The address bar, as state: pages re-render when it changes. */
export const here = $state({ path: window.location.pathname, search: window.location.search });

function sync(): void {
  here.path = window.location.pathname;
  here.search = window.location.search;
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(here.search).get(name);
}

/** Only same-site paths: a `next=` parameter must never send someone to another site. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

/** `/login?next=/invite/abc`: where to go after logging in, kept through sign-up too. */
export function withNext(path: string, next: string): string {
  return next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`;
}

export function currentPath(): string {
  return here.path + here.search;
}

/** Moves keyboard and screen-reader focus to the new page's heading, as a page load would. */
async function focusPage(): Promise<void> {
  await tick();
  const main = document.getElementById('main');
  const heading = main?.querySelector<HTMLElement>('h1');
  const target = heading ?? main;
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  const samePage = url.pathname === window.location.pathname;
  window.history[opts.replace ? 'replaceState' : 'pushState'](null, '', url.pathname + url.search + url.hash);
  sync();
  if (!samePage) {
    window.scrollTo(0, 0);
    void focusPage();
  }
}

/** Updates the query string without a new history entry (search filters). */
export function replaceQuery(params: Record<string, string>): void {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();
  window.history.replaceState(null, '', here.path + (query ? `?${query}` : ''));
  sync();
}

export function startRouter(): void {
  window.addEventListener('popstate', () => {
    const before = here.path;
    sync();
    if (before !== here.path) void focusPage();
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) return;
    if (link.origin !== window.location.origin || link.pathname.startsWith('/api/')) return;
    // In-page anchors such as the skip link are left to the browser.
    if (link.hash && link.pathname === window.location.pathname && link.search === window.location.search) return;
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  });
}
