import type { Ctx } from '../core/context.ts';
import { deriveKek, newDataKey, open, seal, unwrapKey, wrapKey, type DataKey, type Kek } from '../core/crypto.ts';
import { notFound } from '../core/errors.ts';
import { memoByKey } from '../core/memo.ts';
import { codeKey, type CodeKey } from '../core/rotating-code.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';

/**
 * The per-action data key. It is not cached between requests: it is unwrapped from the row
 * on each use (microseconds), so once erasure has cleared `actions.wrapped_key` no process
 * still holds a copy that could open a late request. The KEK is kept: it depends only on
 * the master secret, which the process holds anyway, and opens nothing without a wrapped key.
 */
const purpose = 'action-key';
const actionKek = memoByKey((masterSecret): Kek => deriveKek(masterSecret, purpose));

/** The AAD binding every ciphertext to its row, so a sealed value pasted onto another row fails to open. */
export const aad = {
  action: (actionId: string) => `action:${actionId}`,
  disclosure: (disclosureId: string) => `disclosure:${disclosureId}`,
  nodeCode: (nodeId: string) => `node-code:${nodeId}`,
  broadcast: (broadcastId: string) => `broadcast:${broadcastId}`,
} as const;

/** A fresh key for a new action, and its wrapped form for `actions.wrapped_key`. */
export function newActionKey(ctx: Pick<Ctx, 'config'>, actionId: string): { key: DataKey; wrapped: string } {
  const key = newDataKey();
  return { key, wrapped: wrapKey(actionKek(ctx.config.masterSecret), key, aad.action(actionId)) };
}

/** The action's data key; an erased action answers like a missing one. */
export function actionKey(ctx: Pick<Ctx, 'config'>, action: Pick<ActionRow, 'id' | 'wrapped_key' | 'status'>): DataKey {
  if (action.wrapped_key === null || action.status === 'erased') throw notFound();
  return unwrapKey(actionKek(ctx.config.masterSecret), action.wrapped_key, aad.action(action.id));
}

/** A disclosure's text and place, sealed for its row. Opened only by disclosure-policy.ts. */
export function sealDisclosure(key: DataKey, disclosureId: string, payload: { text: string; place: { label: string; lat: number; lon: number } | null }): string {
  const { text, place } = payload;
  return seal(key, JSON.stringify(place ? { text, place } : { text }), aad.disclosure(disclosureId));
}

/** A fresh node's sealed check-in secret. */
export function sealNodeSecret(key: DataKey, nodeId: string, secret: string): string {
  return seal(key, secret, aad.nodeCode(nodeId));
}

type NodeRef = Pick<ActionNodeRow, 'id' | 'action_id' | 'code_secret'>;

/** The node's check-in secret, for codeAt/verifyCode. Throws notFound() once the action is erased. */
export function nodeSecret(ctx: Pick<Ctx, 'config'>, action: ActionRow, node: NodeRef): string {
  if (node.action_id !== action.id) throw new Error(`node ${node.id} is not part of action ${action.id}`);
  return open(actionKey(ctx, action), node.code_secret, aad.nodeCode(node.id));
}

/**
 * Opened node code keys, unlike the action key above, are kept for a few minutes: a crowd
 * checking in at one node would otherwise unwrap the action key and open the same secret
 * thousands of times a minute. This is safe because what is kept opens nothing but check-in
 * codes (never a disclosure or a broadcast), and is found only by the exact row it was opened
 * from: the node's id, its sealed secret and the action's wrapped key are the lookup key, so
 * a re-keyed action or a reset secret misses, and an erased action (wrapped key cleared,
 * status erased) is refused before the cache is asked. Erasure also drops the action's
 * entries in every process (forgetNodeCodes, on the 'erased' bus message), and an erased
 * action has no RSVPs left to check in anyway.
 */
interface OpenedNodeCode {
  actionId: string;
  key: CodeKey;
  openedAt: number;
}

const nodeCodes = new Map<string, OpenedNodeCode>();
const NODE_CODES_MAX = 1024;
const NODE_CODE_MAX_AGE_MS = 5 * 60_000;

/** The node's check-in secret as a CodeKey, opened at most every few minutes per process. Throws notFound() once the action is erased. */
export function nodeCodeKey(ctx: Pick<Ctx, 'config'>, action: ActionRow, node: NodeRef): CodeKey {
  if (node.action_id !== action.id) throw new Error(`node ${node.id} is not part of action ${action.id}`);
  if (action.wrapped_key === null || action.status === 'erased') throw notFound();
  const cacheKey = `${node.id}\n${node.code_secret}\n${action.wrapped_key}`;
  const now = performance.now();
  const held = nodeCodes.get(cacheKey);
  if (held !== undefined && now - held.openedAt < NODE_CODE_MAX_AGE_MS) return held.key;
  const key = codeKey(nodeSecret(ctx, action, node));
  nodeCodes.delete(cacheKey);
  // Map keeps insertion order: the oldest opened goes first.
  if (nodeCodes.size >= NODE_CODES_MAX) nodeCodes.delete(nodeCodes.keys().next().value!);
  nodeCodes.set(cacheKey, { actionId: action.id, key, openedAt: now });
  return key;
}

/** Drops the action's opened node code keys: on erasure, in every process. */
export function forgetNodeCodes(actionId: string): void {
  for (const [cacheKey, held] of nodeCodes) if (held.actionId === actionId) nodeCodes.delete(cacheKey);
}

/** How many opened node code keys this process holds for the action, for tests. */
export function heldNodeCodes(actionId: string): number {
  let count = 0;
  for (const held of nodeCodes.values()) if (held.actionId === actionId) count++;
  return count;
}
