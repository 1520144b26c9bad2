import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { committedDocumentPath, openApiDocument, renderDocument } from './openapi.ts';

it('docs/openapi.json is fresh (run `npm run openapi` after changing a route)', () => {
  const committed = readFileSync(committedDocumentPath, 'utf8');
  assert.equal(committed, renderDocument());
});

it('every operation names its access gate and error responses', () => {
  const doc = openApiDocument() as { paths: Record<string, Record<string, { 'x-access'?: string; responses: Record<string, unknown> }>> };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  assert.ok(operations.length > 0);
  for (const { path, method, op } of operations) {
    assert.ok(['anyone', 'user', 'admin'].includes(op['x-access'] ?? ''), `${method} ${path} lacks x-access`);
    assert.ok(op.responses['422'] && op.responses['404'], `${method} ${path} lacks problem responses`);
  }
});
