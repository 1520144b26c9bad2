import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, stage, type Stage } from '../actions/organizer-fixtures.ts';
import { at, listen, rsvpFor, scene, type Listening, type Scene } from '../actions/participation-fixtures.ts';
import type { AppEnv } from './env.ts';
import { securityHeaders } from './middleware.ts';

/**
 * Through a real server, where a live stream's head is written by Blossom itself rather than
 * by node:http, unlike app.request() in the other tests.
 */
describe('http: security headers on the wire', () => {
  let s: Stage;
  let server: Listening;
  after(async () => {
    await server?.close();
    await s?.t.dispose();
  });

  const assertSecured = (res: Response, what: string) => {
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, what);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
    assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', what);
    assert.match(res.headers.get('permissions-policy') ?? '', /microphone=\(\)/, what);
  };

  let sc: Scene;
  let ticket: string;
  before(async () => {
    s = await stage('sqlite');
    sc = await scene(s, { tag: 'headers' });
    server = await listen(s.t);
    s.t.clock.set(at(-30));
    ticket = await rsvpFor(s.anonymous(), sc.slug, sc.nodeId);
  });

  it('are on JSON answers and errors', async () => {

    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assertSecured(health, 'healthz');
    assert.equal(health.headers.get('cache-control'), null, 'only API answers are no-store');
    assert.equal(health.headers.get('content-type'), 'application/json');

    const me = await fetch(`${server.url}${api}/actions/${sc.slug}/me`, { headers: { 'x-blossom-ticket': ticket } });
    assert.equal(me.status, 200);
    assertSecured(me, 'me');
    assert.equal(me.headers.get('cache-control'), 'no-store');

    for (const [path, status] of [[`${api}/nothing-here`, 404], [`${api}/actions/${sc.slug}/me`, 422]] as const) {
      const headers = status === 422 ? { 'x-blossom-ticket': 'x'.repeat(600) } : undefined;
      const res = await fetch(server.url + path, { headers });
      assert.equal(res.status, status);
      assertSecured(res, path);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
    }
  });

  // A handed-off stream writes its own head (src/realtime/hand-off.ts).
  it('are on the live stream', async () => {
    const abort = new AbortController();
    const live = await fetch(`${server.url}${api}/actions/${sc.slug}/live?node=${sc.nodeId}`, {
      headers: { accept: 'text/event-stream', 'x-blossom-ticket': ticket },
      signal: abort.signal,
    });
    try {
      assert.equal(live.status, 200);
      assert.equal(live.headers.get('content-type'), 'text/event-stream');
      assert.equal(live.headers.get('cache-control'), 'no-store');
      assertSecured(live, 'live');
    } finally {
      abort.abort();
    }
  });
});

describe('http: security headers win over a route\'s own', () => {
  let server: Server;
  let url: string;
  before(async () => {
    const app = new Hono<AppEnv>();
    app.use('*', securityHeaders());
    // A plain header object (node-server's fast path), web Headers, and an immutable redirect.
    app.get('/api/plain', () => new Response('{}', { headers: { 'content-type': 'application/json', 'cache-control': 'public', 'X-Frame-Options': 'SAMEORIGIN' } }));
    app.get('/api/headers', (c) => {
      c.header('Cache-Control', 'max-age=60');
      return c.json({});
    });
    app.get('/api/redirect', () => Response.redirect('http://127.0.0.1/elsewhere', 302));
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const path of ['/api/plain', '/api/headers', '/api/redirect']) {
    it(path, async () => {
      const res = await fetch(url + path, { redirect: 'manual' });
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    });
  }
});
