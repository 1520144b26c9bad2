/*
 * Blossom's service worker: keeps the app shell (index.html and the hashed assets it names)
 * so an action's live page opens without a network. What the page received is kept by the
 * page itself, in localStorage. This worker never stores an /api/ answer: those carry
 * tickets, tiers and secrets, and must not outlive the action's erasure in a cache.
 */
const SHELL = 'blossom-shell-v1';

/** Keeps an index.html answer as the shell, with the assets it names; fetches only what is missing. */
async function keepShell(response) {
  const cache = await caches.open(SHELL);
  const html = await response.clone().text();
  const assets = [...new Set(html.match(/\/assets\/[A-Za-z0-9._-]+/g) || [])];
  const wanted = ['/favicon.svg', ...assets];
  await Promise.all(
    wanted.map(async (path) => {
      if (!(await cache.match(path))) await cache.add(path);
    }),
  );
  await cache.put('/', response);
  // Assets of earlier builds are dead weight once the new shell is in.
  const keep = new Set(['/', ...wanted]);
  for (const request of await cache.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

async function fetchShell() {
  const response = await fetch('/', { cache: 'no-cache', credentials: 'omit' });
  if (response.ok) await keepShell(response);
}

self.addEventListener('install', (event) => {
  event.waitUntil(fetchShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== SHELL).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    // Network first: a new build must reach people; the cached shell is for when there is no network.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
            event.waitUntil(keepShell(response.clone()).catch(() => {}));
          }
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached || Response.error())),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    // Hashed names never change content, so the cached copy is always right.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(SHELL).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
