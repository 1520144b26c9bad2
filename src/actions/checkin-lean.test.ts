import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getRequestListener } from '@hono/node-server';
import { createServer, request, type RequestListener, type Server } from 'node:http';
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { leanEndpoints } from '../http/app.ts';
import { leanListener } from '../http/lean.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, rsvpFor, scene, type Scene } from './participation-fixtures.ts';

/**
 * The check-in as main.ts serves it (the lean path in front of Hono) against Hono alone:
 * every request below must get the same status, headers and body either way, and the
 * plain ones must really have been answered by the lean path.
 */
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Sent {
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent without Content-Length, as chunks. */
  chunked?: boolean;
}

async function listen(listener: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function send(port: number, sent: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...sent.headers };
    if (!sent.chunked && sent.body !== undefined) headers['content-length'] = Buffer.byteLength(sent.body);
    const req = request({ host: '127.0.0.1', port, path: sent.path, method: 'POST', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
        const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = res.headers;
        resolve({ status: res.statusCode ?? 0, headers: rest, body });
      });
    });
    req.on('error', reject);
    if (sent.chunked && sent.body !== undefined) {
      req.write(sent.body.slice(0, 3));
      req.end(sent.body.slice(3));
    } else req.end(sent.body);
  });
}

describe('actions: the lean check-in answers as the declared route does', () => {
  let s: Stage;
  let sc: Scene;
  let lean: { server: Server; port: number };
  let hono: { server: Server; port: number };
  /** Requests the lean listener handed on to Hono. */
  let handedOn = 0;
  let network = 0;

  before(async () => {
    s = await stage('sqlite');
    sc = await scene(s, { tag: 'lean' });
    s.t.clock.set(at(-3));
    const honoListener = getRequestListener(s.t.app.fetch);
    lean = await listen(leanListener(s.t.deps, leanEndpoints, (req, res) => {
      handedOn++;
      return honoListener(req, res);
    }));
    hono = await listen(honoListener);
  });
  after(async () => {
    lean?.server.close();
    hono?.server.close();
    await s?.t.dispose();
  });

  const code = async () => (await sc.marshal.call('GET', `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/code`)).body.code as string;
  const path = (slug = sc.slug) => `${api}/actions/${slug}/checkin`;
  /** Each request from its own network, so the per-network limit stays out of the way. */
  const plain = (ticket: string | null, body: string): Sent => ({
    path: path(),
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${++network}.1`, ...(ticket ? { 'x-blossom-ticket': ticket } : {}) },
    body,
  });

  /** The same request (made fresh for each side) to both servers; returns the lean side's answer. */
  async function same(make: () => Promise<Sent> | Sent, answeredBy: 'lean' | 'hono'): Promise<Answer> {
    const before = handedOn;
    const viaLean = await send(lean.port, await make());
    assert.equal(handedOn - before, answeredBy === 'lean' ? 0 : 1, `answered by ${answeredBy}`);
    const viaHono = await send(hono.port, await make());
    assert.deepEqual(viaLean, viaHono);
    return viaLean;
  }
  const withTicket = async (body: (code: string) => string) => {
    const ticket = await rsvpFor(s.anonymous(), sc.slug, sc.nodeId);
    return plain(ticket, body(await code()));
  };

  it('checks in a phone with the right code, and again when it asks twice', async () => {
    const answer = await same(() => withTicket((c) => JSON.stringify({ code: c })), 'lean');
    assert.equal(answer.status, 200, answer.body);
    assert.equal(JSON.parse(answer.body).tier, 'present');
    assert.equal(answer.headers['content-security-policy']?.includes("default-src 'self'"), true);
    assert.equal(answer.headers['cache-control'], 'no-store');
    const ticket = await rsvpFor(s.anonymous(), sc.slug, sc.nodeId);
    const first = await send(lean.port, plain(ticket, JSON.stringify({ code: await code() })));
    assert.equal(first.status, 200);
    assert.deepEqual(await send(hono.port, plain(ticket, JSON.stringify({ code: 'whatever' }))), first);
    assert.deepEqual(await send(lean.port, plain(ticket, JSON.stringify({ code: 'whatever' }))), first);
  });

  it('gives the same problems for bad input, wrong codes and unknown places', async () => {
    const cases: Array<[string, () => Promise<Sent> | Sent, number, string]> = [
      ['a wrong code', () => withTicket(() => '{"code":"ZZZZZZ"}'), 422, 'wrong_code'],
      ['a code not in the body', () => withTicket(() => '{}'), 422, 'invalid_input'],
      ['an unknown field', () => withTicket((c) => JSON.stringify({ code: c, name: 'x' })), 422, 'unknown_field'],
      ['a code far too long', () => withTicket(() => JSON.stringify({ code: 'x'.repeat(33) })), 422, 'invalid_input'],
      ['a list for a body', () => withTicket(() => '[]'), 422, 'invalid_input'],
      ['broken JSON', () => withTicket(() => '{"code":'), 400, 'malformed_body'],
      ['an empty body', () => withTicket(() => ''), 400, 'malformed_body'],
      ['no ticket', async () => plain(null, JSON.stringify({ code: await code() })), 404, 'not_found'],
      ['a ticket nobody holds', async () => plain('not-a-ticket', JSON.stringify({ code: await code() })), 404, 'not_found'],
      ['a ticket too long', async () => plain('t'.repeat(513), JSON.stringify({ code: await code() })), 422, 'invalid_input'],
      ['an unknown action', async () => ({ ...(await withTicket((c) => JSON.stringify({ code: c }))), path: path('no-such-action') }), 404, 'not_found'],
      ['a slug too long', async () => ({ ...(await withTicket((c) => JSON.stringify({ code: c }))), path: path('s'.repeat(201)) }), 422, 'invalid_input'],
    ];
    for (const [name, make, status, problem] of cases) {
      const answer = await same(make, 'lean');
      assert.equal(answer.status, status, `${name}: ${answer.body}`);
      assert.equal(JSON.parse(answer.body).code, problem, name);
      assert.equal(answer.headers['content-type'], 'application/problem+json', name);
    }
  });

  it('counts attempts against the same limits, and says when to try again', async () => {
    const hammer = async (port: number) => {
      const ticket = await rsvpFor(s.anonymous(), sc.slug, sc.nodeId);
      let last: Answer | undefined;
      for (let i = 0; i < 11; i++) last = await send(port, plain(ticket, '{"code":"ZZZZZZ"}'));
      return last!;
    };
    const viaLean = await hammer(lean.port);
    assert.equal(viaLean.status, 429, viaLean.body);
    assert.equal(viaLean.headers['retry-after'], '300');
    assert.deepEqual(viaLean, await hammer(hono.port));
  });

  it('shrugs off a phone that leaves halfway through its body', async () => {
    const socket = connect(lean.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST ${path()} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"code":`);
    socket.destroy();
    await once(socket, 'close');
    const answer = await same(() => withTicket((c) => JSON.stringify({ code: c })), 'lean');
    assert.equal(answer.status, 200, answer.body);
  });

  it('leaves requests of any other shape to Hono, which answers them as before', async () => {
    const shapes: Array<[string, (sent: Sent) => Sent]> = [
      ['a cookie', (sent) => ({ ...sent, headers: { ...sent.headers, cookie: 'theme=dark' } })],
      ['a bearer token', (sent) => ({ ...sent, headers: { ...sent.headers, authorization: 'Bearer nope' } })],
      ['a query', (sent) => ({ ...sent, path: `${sent.path}?ticket=x` })],
      ['an escaped slug', (sent) => ({ ...sent, path: sent.path.replace(sc.slug, encodeURIComponent(sc.slug).replace(/^./, (c) => `%${c.charCodeAt(0).toString(16)}`)) })],
      ['another media type', (sent) => ({ ...sent, headers: { ...sent.headers, 'content-type': 'text/plain' } })],
      ['a chunked body', (sent) => ({ ...sent, chunked: true })],
    ];
    for (const [name, shape] of shapes) {
      const answer = await same(async () => shape(await withTicket((c) => JSON.stringify({ code: c }))), 'hono');
      assert.notEqual(answer.status, 500, `${name}: ${answer.body}`);
    }
  });
});
