import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, Caller, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';

for (const dialect of dialects) {
  describe(`http app on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    before(async () => {
      if (!skip) t = await testApp(dialect);
    });
    after(async () => t?.dispose());

    it('answers /healthz after a database round trip', { skip }, async () => {
      const res = await new Caller(t.app).call('GET', '/healthz');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok' });
    });

    it('sends security headers', { skip }, async () => {
      const res = await new Caller(t.app).call('GET', '/healthz');
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    });

    it('refuses API bodies over 64 KiB, whether declared or streamed, and takes smaller ones', { skip }, async () => {
      const big = JSON.stringify({ handle: 'x'.repeat(70 * 1024) });
      const declared = await t.app.request('/api/v1/session', { method: 'POST', body: big, headers: { 'content-type': 'application/json', 'content-length': String(big.length) } });
      assert.equal(declared.status, 413);
      assert.equal(((await declared.json()) as { code: string }).code, 'body_too_large');
      const bytes = new TextEncoder().encode(big);
      const stream = new ReadableStream({ start(c) { c.enqueue(bytes.subarray(0, 40_000)); c.enqueue(bytes.subarray(40_000)); c.close(); } });
      const streamed = await t.app.request('/api/v1/session', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
      assert.equal(streamed.status, 413);
      const small = JSON.stringify({ handle: 'nobody', password: 'not this one' });
      const fine = await t.app.request('/api/v1/session', { method: 'POST', body: small, headers: { 'content-type': 'application/json', 'content-length': String(small.length) } });
      assert.notEqual(fine.status, 413);
    });

    it('answers unknown API paths with problem+json 404', { skip }, async () => {
      const res = await new Caller(t.app).call('GET', '/api/v1/nothing-here');
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal((res.body as { code: string }).code, 'not_found');
    });

    it('serves an OpenAPI 3.1 document', { skip }, async () => {
      const res = await new Caller(t.app).call('GET', '/api/openapi.json');
      assert.equal(res.status, 200);
      assert.equal((res.body as { openapi: string }).openapi, '3.1.0');
    });
  });
}

describe('map tiles in the content security policy', () => {
  it('allows only the configured tile host, with {s} subdomains as a wildcard', async () => {
    const plain = await testApp('sqlite');
    const tiled = await testApp('sqlite', { BLOSSOM_MAP_TILES: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' });
    try {
      const cspOf = async (t: TestApp) => (await new Caller(t.app).call('GET', '/healthz')).headers.get('content-security-policy') ?? '';
      assert.match(await cspOf(plain), /img-src 'self' data: blob:;/);
      assert.match(await cspOf(tiled), /img-src 'self' data: blob: https:\/\/\*\.tiles\.example\.org;/);
    } finally {
      await plain.dispose();
      await tiled.dispose();
    }
  });
});
