import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../config.ts';
import { Problem } from '../core/errors.ts';
import { codeAt, newNodeSecret } from '../core/rotating-code.ts';
import { forgetNodeCodes, heldNodeCodes, newActionKey, nodeCodeKey, sealNodeSecret } from './keys.ts';
import type { ActionRow } from './rows.ts';

const ctx = { config: { masterSecret: 'keys-test-master-secret-of-enough-length' } as Config };
const when = new Date('2026-05-01T12:00:00Z');

function actionWithNode(actionId: string) {
  const { key, wrapped } = newActionKey(ctx, actionId);
  const secret = newNodeSecret();
  const action = { id: actionId, status: 'published', wrapped_key: wrapped } as ActionRow;
  const node = { id: `${actionId}-node`, action_id: actionId, code_secret: sealNodeSecret(key, `${actionId}-node`, secret) };
  return { key, secret, action, node };
}

describe('actions: opened node code keys', () => {
  it('opens a node code key once and gives the codes of its secret', () => {
    const { secret, action, node } = actionWithNode('keys-once');
    const first = nodeCodeKey(ctx, action, node);
    assert.equal(nodeCodeKey(ctx, action, node), first);
    assert.equal(heldNodeCodes(action.id), 1);
    assert.equal(codeAt(first, when), codeAt(secret, when));
  });

  it('misses for a re-keyed action or a reset secret', () => {
    const { action, node } = actionWithNode('keys-rekey');
    const first = nodeCodeKey(ctx, action, node);
    const rekeyed = newActionKey(ctx, action.id);
    const secret = newNodeSecret();
    const reset = { ...node, code_secret: sealNodeSecret(rekeyed.key, node.id, secret) };
    const fresh = nodeCodeKey(ctx, { ...action, wrapped_key: rekeyed.wrapped }, reset);
    assert.notEqual(fresh, first);
    assert.equal(codeAt(fresh, when), codeAt(secret, when));
    // The old sealed secret under the new key does not open: no stale entry answers for it.
    assert.throws(() => nodeCodeKey(ctx, { ...action, wrapped_key: rekeyed.wrapped }, node));
  });

  it('refuses an erased action even with its key opened before, and forgets on erasure', () => {
    const { action, node } = actionWithNode('keys-erased');
    nodeCodeKey(ctx, action, node);
    assert.throws(() => nodeCodeKey(ctx, { ...action, status: 'erased' }, node), (err) => err instanceof Problem && err.status === 404);
    assert.throws(() => nodeCodeKey(ctx, { ...action, wrapped_key: null }, node), (err) => err instanceof Problem && err.status === 404);
    const other = actionWithNode('keys-other');
    nodeCodeKey(ctx, other.action, other.node);
    forgetNodeCodes(action.id);
    assert.equal(heldNodeCodes(action.id), 0);
    assert.equal(heldNodeCodes(other.action.id), 1, 'other actions keep theirs');
  });
});
